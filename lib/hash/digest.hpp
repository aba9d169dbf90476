// A content digest as OCI writes it: "sha256:<64 lowercase hex>".
#pragma once

#include <compare>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>

namespace mlci::hash {

class Digest {
public:
    Digest() = default;
    // Parses "sha256:<hex>"; a usage error naming the text otherwise.
    static Result<Digest> parse(std::string_view text);
    // Builds from 32 raw bytes.
    static Digest from_bytes(const unsigned char* bytes);

    const std::string& str() const { return m_text; } // "sha256:..."
    std::string_view hex() const { return std::string_view(m_text).substr(7); }
    std::string short_hex(size_t n = 12) const { return std::string(hex().substr(0, n)); }
    bool empty() const { return m_text.empty(); }

    auto operator<=>(const Digest&) const = default;

private:
    std::string m_text;
};

// True when `text` is 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

} // namespace mlci::hash

template <>
struct std::hash<mlci::hash::Digest> {
    size_t operator()(const mlci::hash::Digest& d) const noexcept {
        return std::hash<std::string>{}(d.str());
    }
};
