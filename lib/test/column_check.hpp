// The per-value rules of a schema column (type, nulls, range, allowed
// values), checked as the CSV streams past: constant memory per column
// beyond the allowed-value set.
#pragma once

#include <cstdint>
#include <mlci/config/project_config.hpp>
#include <mlci/test/result.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::test {

// A value as an example shows it: quoted when it is text, cut at 60 bytes.
std::string show_value(std::string_view value);

// Counts violations of one rule and keeps the first few as examples.
struct Tally {
    uint64_t count = 0;
    std::vector<std::string> examples;
    void hit(uint64_t line, std::string_view what);
};

class ColumnCheck {
public:
    ColumnCheck(std::string name, const config::ColumnRule& rule);

    // One field of the column; `line` is where its record starts.
    void add(std::string_view value, uint64_t line);
    // Appends a result for each rule the column has, in a fixed order:
    // type, nulls, range, allowed.
    void finish(uint64_t rows, std::vector<CheckResult>& out) const;

private:
    std::string m_name;
    config::ColumnRule m_rule;
    std::set<std::string, std::less<>> m_allowed;
    Tally m_type, m_nulls, m_range, m_allowed_tally;
};

} // namespace mlci::test
