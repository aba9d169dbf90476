// A sha256 as its 32 bytes: the compact key of chunk indexes, where a
// Digest's 71-character text would triple the memory per chunk.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <mlci/hash/digest.hpp>
#include <optional>
#include <string_view>

namespace mlci::hash {

struct RawDigest {
    std::array<uint8_t, 32> bytes{};

    // The sha256 of `size` bytes at `data`, in one call.
    static RawDigest of(const void* data, size_t size);
    // From 64 lowercase hex digits; nothing when `hex` is not that.
    static std::optional<RawDigest> from_hex(std::string_view hex);
    static RawDigest from(const Digest& d) { return *from_hex(d.hex()); }

    Digest digest() const { return Digest::from_bytes(bytes.data()); }
    std::string hex() const { return std::string(digest().hex()); }

    bool operator==(const RawDigest&) const = default;
};

} // namespace mlci::hash

template <>
struct std::hash<mlci::hash::RawDigest> {
    size_t operator()(const mlci::hash::RawDigest& d) const noexcept {
        size_t h; // the bytes are a cryptographic hash already: any 8 of them do
        std::memcpy(&h, d.bytes.data(), sizeof h);
        return h;
    }
};
