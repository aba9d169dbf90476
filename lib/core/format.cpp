#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <mlci/core/duration.hpp>
#include <mlci/core/format.hpp>

namespace mlci {

std::string human_bytes(uint64_t n) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string signed_bytes(int64_t delta) {
    // Through uint64_t: the magnitude of INT64_MIN does not fit int64_t.
    auto magnitude =
        delta < 0 ? uint64_t{0} - static_cast<uint64_t>(delta) : static_cast<uint64_t>(delta);
    return (delta < 0 ? "-" : "+") + human_bytes(magnitude);
}

std::string size_change(uint64_t from, uint64_t to) {
    auto a = human_bytes(from), b = human_bytes(to);
    if (a == b && from != to)
        return fmt::format("{} B -> {} B", from, to);
    return fmt::format("{} -> {}", a, b);
}

std::string human_rate(uint64_t bytes, double seconds) {
    if (!(seconds > 0))
        return "0 B/s";
    return human_bytes(static_cast<uint64_t>(static_cast<double>(bytes) / seconds)) + "/s";
}

std::string human_number(double v) {
    if (v == 0)
        return "0"; // also turns -0 into 0
    return fmt::format("{:.6g}", v);
}

std::string human_number(const std::optional<double>& v) {
    return v ? human_number(*v) : "-";
}

std::string human_change(double v) {
    auto s = human_number(v);
    return v > 0 ? "+" + s : s;
}

std::string human_seconds(double seconds) {
    // Clamped first: NaN or a double beyond 64 bits of milliseconds does not convert.
    double ms =
        seconds > 0 ? std::min(seconds * 1000, static_cast<double>(k_max_duration.count())) : 0.0;
    return format_duration(std::chrono::milliseconds(std::llround(ms)));
}

} // namespace mlci
