// Output rules of ARCHITECTURE.md §4: results on stdout, people's lines on stderr,
// progress bars and colour only on a terminal.
#pragma once

#include <chrono>
#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/core/progress.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::cli {

class Output {
public:
    Output();
    void configure(bool quiet, int verbose);

    // A result line on stdout (a reference, a path).
    void result(const std::string& line);
    // The one JSON document of --json, on stdout.
    void json(const nlohmann::json& doc);
    // A line for a person on stderr; silent with --quiet.
    void note(const std::string& line);
    // Only with --verbose.
    void detail(const std::string& line);
    // Always shown: a warning on stderr.
    void warn(const std::string& line);

    // A reporter that draws a progress bar on a terminal (nothing in CI logs).
    Reporter reporter();
    // Clears a progress bar that is drawn.
    void end_progress();

    bool color() const { return m_color; }
    // Wraps text in an ANSI colour when colour is on ("green", "red", "bold", "dim").
    std::string paint(std::string_view text, std::string_view style) const;

private:
    void draw(const Progress& p);
    bool m_quiet = false;
    int m_verbose = 0;
    bool m_tty = false;
    bool m_color = false;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_start, m_last_draw;
    bool m_drawn = false;
};

// Prints rows as columns on stdout, each as wide as its widest cell; the last
// column is not padded (no trailing spaces in CI logs).
void print_table(Output& out, const std::vector<std::vector<std::string>>& rows);

} // namespace mlci::cli
