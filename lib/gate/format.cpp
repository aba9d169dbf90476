#include <fmt/format.h>
#include <mlci/gate/format.hpp>

namespace mlci::gate {

std::string format_value(double v) {
    if (v == 0)
        return "0"; // also turns -0 into 0
    return fmt::format("{:.6g}", v);
}

std::string format_value(const std::optional<double>& v) {
    return v ? format_value(*v) : "-";
}

std::string format_change(double v) {
    auto s = format_value(v);
    return v > 0 ? "+" + s : s;
}

} // namespace mlci::gate
