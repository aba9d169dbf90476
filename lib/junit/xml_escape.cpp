// Writing XML text: escaping, and cleaning what XML 1.0 cannot hold.
#include <cstdint>
#include <mlci/core/utf8.hpp>
#include <mlci/junit/xml.hpp>

namespace mlci::junit {

namespace {

constexpr const char* k_replacement = "\xEF\xBF\xBD"; // U+FFFD

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

} // namespace mlci::junit
