#include <mlci/core/utf8.hpp>

namespace mlci {

size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t min;
    if (b < 0x80) {
        cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        n = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4, cp = b & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (size_t k = 1; k < n; ++k) {
        auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

size_t find_invalid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        // ASCII, the common case, a byte at a time without decoding.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        uint32_t cp;
        size_t n = decode_utf8(s, i, cp);
        if (n == 0)
            return i;
        i += n;
    }
    return std::string_view::npos;
}

std::string valid_utf8(std::string_view s) {
    size_t bad = find_invalid_utf8(s);
    if (bad == std::string_view::npos)
        return std::string(s);
    std::string out(s.substr(0, bad));
    for (size_t i = bad; i < s.size();) {
        uint32_t cp;
        size_t n = decode_utf8(s, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string_view truncate_utf8(std::string_view s, size_t max_bytes) {
    if (s.size() <= max_bytes)
        return s;
    size_t n = max_bytes;
    // Back over continuation bytes (10xxxxxx) to the start of a sequence;
    // at most three, so that invalid input cannot empty the prefix.
    for (size_t k = 0; k < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++k)
        --n;
    return s.substr(0, n);
}

} // namespace mlci
