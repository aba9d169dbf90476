#include <charconv>
#include <cmath>
#include <limits>
#include <mlci/core/duration.hpp>

namespace mlci {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view k_forms = "give seconds (90, 1.5) or a number with a unit (500ms, "
                                     "30s, 5m, 2h)";

// Milliseconds per unit; 0 for an unknown unit.
double unit_ms(std::string_view unit) {
    if (unit.empty() || unit == "s")
        return 1000;
    if (unit == "ms")
        return 1;
    if (unit == "m")
        return 60'000;
    if (unit == "h")
        return 3'600'000;
    return 0;
}

// `value` units of `scale` milliseconds, checked; `shown` is what the user wrote.
Result<milliseconds> checked(double value, double scale, std::string_view shown,
                             ZeroDuration zero) {
    auto at_least = zero == ZeroDuration::allowed ? "of 0 or more" : "above 0";
    if (std::isnan(value) || std::isinf(value))
        return usage_error("'{}' is not a duration: {}", shown, k_forms);
    if (value < 0)
        return usage_error("'{}' is negative: give a duration {}", shown, at_least);
    // Compared as a double before any conversion: a double beyond the range
    // of the integer it is cast to is undefined behaviour.
    double ms = value * scale;
    if (ms > static_cast<double>(k_max_duration.count()))
        return usage_error("'{}' is longer than the maximum of {}", shown, k_max_duration_text);
    auto count = std::llround(ms);
    if (count == 0 && zero == ZeroDuration::refused)
        return value == 0 ? usage_error("'{}' is zero: give a duration above 0", shown)
                          : usage_error("'{}' is shorter than 1 ms", shown);
    return milliseconds(count);
}

} // namespace

Result<milliseconds> parse_duration(std::string_view text, ZeroDuration zero) {
    double value = 0;
    auto* end = text.data() + text.size();
    // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage): bounded by `end`
    auto [p, ec] = std::from_chars(text.data(), end, value);
    if (p == text.data() || (ec != std::errc() && ec != std::errc::result_out_of_range))
        return usage_error("'{}' is not a duration: {}", text, k_forms);
    auto scale = unit_ms(std::string_view(p, static_cast<size_t>(end - p)));
    if (scale == 0)
        return usage_error("'{}' is not a duration: {}", text, k_forms);
    if (ec == std::errc::result_out_of_range) {
        // Beyond a double: far too long, or so small it is zero.
        bool tiny =
            text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
        value = text.starts_with('-') ? -1.0
                : tiny                ? std::numeric_limits<double>::denorm_min()
                                      : std::numeric_limits<double>::max();
    }
    return checked(value, scale, text, zero);
}

Result<milliseconds> duration_from_seconds(double seconds, ZeroDuration zero) {
    return checked(seconds, 1000, fmt::format("{}", seconds), zero);
}

std::string format_duration(milliseconds d) {
    auto ms = d.count();
    if (ms < 1000)
        return fmt::format("{} ms", ms);
    if (ms % 3'600'000 == 0)
        return fmt::format("{} h", ms / 3'600'000);
    if (ms % 1000 == 0)
        return fmt::format("{} s", ms / 1000);
    return fmt::format("{} s", static_cast<double>(ms) / 1000);
}

} // namespace mlci
