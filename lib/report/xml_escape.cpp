// Writing XML text: escaping, and cleaning what XML 1.0 cannot hold.
#include <cstdint>
#include <mlci/report/xml.hpp>

namespace mlci::report {

namespace {

constexpr const char* k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid).
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

} // namespace

// Code points that an XML 1.0 document may contain.
bool is_xml_char(uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string clean_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text[i] == '\x1b') {
            // A CSI sequence (colours, cursor moves): ESC '[' parameters final-byte.
            size_t k = i + 1;
            if (k < text.size() && text[k] == '[') {
                ++k;
                while (k < text.size() && !(text[k] >= 0x40 && text[k] <= 0x7E))
                    ++k;
                i = std::min(k + 1, text.size());
            } else {
                i = std::min(k + 1, text.size()); // a two-byte escape
            }
            continue;
        }
        uint32_t cp = 0;
        size_t n = decode_utf8(text, i, cp);
        if (n == 0) {
            out += k_replacement;
            ++i;
            continue;
        }
        if (is_xml_char(cp))
            out.append(text.substr(i, n));
        else
            out += k_replacement;
        i += n;
    }
    return out;
}

std::string xml_text(std::string_view text) {
    std::string out;
    for (char c : clean_text(text)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string xml_attribute(std::string_view text) {
    std::string out;
    for (char c : clean_text(text)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;"; // so the same text is safe in HTML attributes too
            break;
        case '\t':
            out += "&#9;";
            break;
        case '\n':
            out += "&#10;";
            break;
        case '\r':
            out += "&#13;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace mlci::report
