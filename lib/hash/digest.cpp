#include <mlci/hash/digest.hpp>

namespace mlci::hash {

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64)
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

Result<Digest> Digest::parse(std::string_view text) {
    if (!text.starts_with("sha256:") || !is_sha256_hex(text.substr(7)))
        return usage_error("invalid digest '{}' (expected sha256:<64 hex digits>)", text);
    Digest d;
    d.m_text = text;
    return d;
}

Digest Digest::from_bytes(const unsigned char* bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    Digest d;
    d.m_text.reserve(71);
    d.m_text = "sha256:";
    for (int i = 0; i < 32; ++i) {
        d.m_text.push_back(k_hex[bytes[i] >> 4]);
        d.m_text.push_back(k_hex[bytes[i] & 15]);
    }
    return d;
}

} // namespace mlci::hash
