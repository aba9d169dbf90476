// A raw deflate stream (RFC 1951) of literals only: one dynamic-Huffman block
// whose code is fitted to the bytes, with no search for repeated strings.
//
// For bytes that hold almost no repeats (float weights: random mantissas,
// skewed exponents) a match search finds next to nothing, yet costs most of
// a compressor's time; the Huffman code alone gives the same ratio as
// libdeflate at any level, at several times its speed. gzip_codec.cpp uses it
// for such blocks. The output depends on the bytes alone.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mlci::oci {

// The code a block of literals is written with, and its exact size.
struct LiteralCode {
    std::array<uint8_t, 257>
        lengths{};     // bits per literal (0 for an absent byte), [256] end of block
    uint64_t bits = 0; // the whole stream: block header, code, data, end of block
    size_t bytes() const { return static_cast<size_t>((bits + 7) / 8); }
};

// The code for `in`; `size` >= 1.
LiteralCode fit_literal_code(const unsigned char* in, size_t size);

// Writes `in` as one final deflate block with `code` (fitted to `in`) into
// `out`, which must hold code.bytes() + 8 bytes; returns code.bytes().
size_t write_literals(const LiteralCode& code, const unsigned char* in, size_t size,
                      unsigned char* out);

} // namespace mlci::oci
