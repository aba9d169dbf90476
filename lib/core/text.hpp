// Small text helpers that several concerns need: trimming and reading a
// number off the front of a line. One definition each, so that two parsers
// never disagree on what counts as blank.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

namespace mlci {

// The ASCII whitespace a text line may carry: space, tab, CR, LF, VT, FF.
inline constexpr std::string_view k_blank = " \t\r\n\v\f";

// `s` without leading and trailing whitespace.
inline std::string_view trim(std::string_view s) {
    auto b = s.find_first_not_of(k_blank);
    if (b == std::string_view::npos)
        return {};
    return s.substr(b, s.find_last_not_of(k_blank) - b + 1);
}

// `s` without trailing whitespace (a line's end, a command's last newline).
inline std::string_view trim_end(std::string_view s) {
    auto e = s.find_last_not_of(k_blank);
    return e == std::string_view::npos ? std::string_view{} : s.substr(0, e + 1);
}

// Reads a decimal number followed by one space off the front of `text` and
// consumes both; false (and `text` unchanged) when `text` does not start so.
template <typename T>
bool take_number(std::string_view& text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end == text.data() + text.size() || *end != ' ')
        return false;
    text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
    return true;
}

// "1 file", "2 files", "0 files": a count and its noun, singular only for
// one. `many` is the plural when adding 's' is wrong ("entries").
inline std::string plural(uint64_t n, std::string_view one, std::string_view many = {}) {
    std::string out = std::to_string(n) + ' ';
    if (n == 1)
        out += one;
    else if (!many.empty())
        out += many;
    else
        (out += one) += 's';
    return out;
}

} // namespace mlci
