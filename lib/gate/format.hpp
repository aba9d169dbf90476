// How the gate writes numbers for people: tables, messages, Markdown.
#pragma once

#include <optional>
#include <string>

namespace mlci::gate {

// Six significant digits, no trailing zeros: 0.955556, 105, 1.5e-07.
std::string format_value(double v);
// "-" for a missing value.
std::string format_value(const std::optional<double>& v);
// With a sign: +0.0123, -0.05, 0.
std::string format_change(double v);

} // namespace mlci::gate
