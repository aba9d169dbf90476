// Durations a user gives: a flag (--timeout 600, --health-interval 500ms) or
// an mlci.yaml key (train.timeout, environments.ENV.health_timeout). One
// parser for all of them, so that every duration takes the same forms,
// refuses the same nonsense (NaN, infinity, negative, zero where zero means
// nothing, absurdly long) and converts to milliseconds without overflow: a
// double that does not fit a 64-bit count is undefined behaviour, and a
// deadline of now + a huge count wraps to the past (a timeout at once).
#pragma once

#include <chrono>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>

namespace mlci {

// The longest duration accepted anywhere: 365 days. Deadlines are computed
// on clocks of 64-bit nanoseconds (292 years), so this leaves a wide margin.
inline constexpr std::chrono::milliseconds k_max_duration = std::chrono::hours(24 * 365);
// How help texts and errors name it.
inline constexpr std::string_view k_max_duration_text = "365 days (8760h)";

// Whether 0 means something where the duration is used: "fail at once"
// (deploy --wait), "no pause" (--health-interval), "keep nothing" (gc --grace).
enum class ZeroDuration { refused, allowed };

// Parses a number of seconds ("600", "1.5", "1e3") or a number with a unit:
// ms, s, m or h ("500ms", "30s", "5m", "2h"). Rounds to the nearest
// millisecond. A usage error saying what is wrong with `text` (the caller
// names the flag or key) for anything else, NaN, infinity, a negative value,
// zero (or less than half a millisecond) unless allowed, and more than
// k_max_duration.
Result<std::chrono::milliseconds> parse_duration(std::string_view text,
                                                 ZeroDuration zero = ZeroDuration::refused);

// The same checks for a number of seconds held as a double (a value read
// by another parser, or given through the library's API).
Result<std::chrono::milliseconds> duration_from_seconds(double seconds,
                                                        ZeroDuration zero = ZeroDuration::refused);

// A duration for messages: "250 ms", "1.5 s", "90 s", "2 h".
std::string format_duration(std::chrono::milliseconds d);

// A duration as seconds, for records and APIs that hold seconds as a double.
inline double to_seconds(std::chrono::milliseconds d) {
    return static_cast<double>(d.count()) / 1000.0;
}

} // namespace mlci
