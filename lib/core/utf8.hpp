// UTF-8, strictly: what reports, profiles and edited YAML files may hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlci {

// Decodes one UTF-8 sequence at s[i] into `cp`; returns its length, 0 when
// it is not well-formed (overlong forms, surrogates and values past
// U+10FFFF are not).
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp);

// The offset of the first byte that does not begin a well-formed sequence,
// or npos when `s` is all UTF-8.
size_t find_invalid_utf8(std::string_view s);

// `s` with U+FFFD in place of each byte that does not begin a well-formed
// sequence.
std::string valid_utf8(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end
// inside a multi-byte sequence.
std::string_view truncate_utf8(std::string_view s, size_t max_bytes);

} // namespace mlci
