#include <mlci/hash/raw_digest.hpp>
#include <openssl/evp.h>
#include <stdexcept>

namespace mlci::hash {

RawDigest RawDigest::of(const void* data, size_t size) {
    RawDigest d;
    unsigned int len = 0;
    if (EVP_Digest(data, size, d.bytes.data(), &len, EVP_sha256(), nullptr) != 1 || len != 32)
        throw std::runtime_error("cannot compute sha256");
    return d;
}

std::optional<RawDigest> RawDigest::from_hex(std::string_view hex) {
    if (!is_sha256_hex(hex))
        return std::nullopt;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    RawDigest d;
    for (size_t i = 0; i < 32; ++i)
        d.bytes[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return d;
}

} // namespace mlci::hash
