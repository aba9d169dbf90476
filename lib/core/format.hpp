// Numbers for people: sizes, rates, elapsed times and measured values in
// notes, tables and reports. One definition each, so that every command
// writes 1.5 GiB, 0.955556 and 1.5 s the same way. (Numbers that must read
// back exactly, as in annotations, are not for these.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mlci {

// "900 B", "12.0 KiB", "1.5 GiB": binary units, one decimal above bytes.
std::string human_bytes(uint64_t n);

// "+4.0 KiB", "-8 B", "+0 B": a change of size with its sign.
std::string signed_bytes(int64_t delta);

// "1.0 KiB -> 2.5 KiB"; in bytes ("1024 B -> 1030 B") when the two sizes
// differ but would read the same rounded.
std::string size_change(uint64_t from, uint64_t to);

// "12.0 MiB/s": `bytes` moved in `seconds`; "0 B/s" when no time passed.
std::string human_rate(uint64_t bytes, double seconds);

// Six significant digits, no trailing zeros: 0.955556, 105, 1.5e-07; 0 for -0.
std::string human_number(double v);
// "-" for a missing value.
std::string human_number(const std::optional<double>& v);
// With a sign: +0.0123, -0.05, 0.
std::string human_change(double v);

// Seconds measured (a suite's time, an estimate), written as
// format_duration() writes durations: "250 ms", "1.5 s", "90 s", "2 h".
// Rounded to the millisecond; a negative or NaN time is "0 ms".
std::string human_seconds(double seconds);

} // namespace mlci
