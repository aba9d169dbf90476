#include "output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace mlci::cli {

Output::Output() {
    m_tty = ::isatty(STDERR_FILENO) && !std::getenv("CI");
    const char* term = std::getenv("TERM");
    m_color = m_tty && !std::getenv("NO_COLOR") && !(term && std::string_view(term) == "dumb");
}

void Output::configure(bool quiet, int verbose) {
    m_quiet = quiet;
    m_verbose = verbose;
}

void Output::result(const std::string& line) {
    std::lock_guard lock(m_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
}

void Output::json(const nlohmann::json& doc) {
    result(doc.dump(2));
}

void Output::note(const std::string& line) {
    if (m_quiet)
        return;
    end_progress();
    std::lock_guard lock(m_mutex);
    fmt::print(stderr, "{}\n", line);
}

void Output::detail(const std::string& line) {
    if (m_verbose > 0)
        note(line);
}

void Output::warn(const std::string& line) {
    end_progress();
    std::lock_guard lock(m_mutex);
    fmt::print(stderr, "{}: {}\n", paint("warning", "yellow"), line);
}

std::string Output::paint(std::string_view text, std::string_view style) const {
    if (!m_color)
        return std::string(text);
    std::string_view code = style == "green"    ? "32"
                            : style == "red"    ? "31"
                            : style == "yellow" ? "33"
                            : style == "bold"   ? "1"
                            : style == "dim"    ? "2"
                                                : "0";
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void print_table(Output& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            width.resize(std::max(width.size(), r.size()));
            width[i] = std::max(width[i], r[i].size());
        }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i)
            line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out.result(line);
    }
}

Reporter Output::reporter() {
    Reporter r;
    if (m_tty && !m_quiet)
        r.progress = [this](const Progress& p) { draw(p); };
    r.note = [this](const std::string& line) { note(line); };
    r.warning = [this](const std::string& line) { warn(line); };
    return r;
}

void Output::draw(const Progress& p) {
    std::lock_guard lock(m_mutex);
    auto now = std::chrono::steady_clock::now();
    if (!m_drawn)
        m_start = now;
    bool last = p.total && p.done >= p.total;
    if (m_drawn && !last && now - m_last_draw < std::chrono::milliseconds(100))
        return;
    m_last_draw = now;
    m_drawn = true;
    double frac = p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 0;
    if (p.total_bytes)
        frac = static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes);
    constexpr int width = 28;
    int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '.');
    double elapsed = std::chrono::duration<double>(now - m_start).count();
    std::string eta = frac > 0.02 && frac < 1
                          ? " ETA " + human_seconds(std::round(elapsed / frac - elapsed))
                          : "";
    auto totals = p.total_bytes ? fmt::format("{}/{} files, {}/{}", p.done, p.total,
                                              human_bytes(p.bytes), human_bytes(p.total_bytes))
                                : fmt::format("{}/{}", p.done, p.total);
    std::string rate = p.total_bytes && elapsed > 0.5 ? ", " + human_rate(p.bytes, elapsed) : "";
    fmt::print(stderr, "\r\x1b[K{} [{}] {}{}{}", p.phase, bar, totals, rate, eta);
    std::fflush(stderr);
}

void Output::end_progress() {
    std::lock_guard lock(m_mutex);
    if (m_drawn) {
        fmt::print(stderr, "\r\x1b[K");
        m_drawn = false;
    }
}

} // namespace mlci::cli
