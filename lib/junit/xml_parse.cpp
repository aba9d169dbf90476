// Reading XML: a recursive-descent parser for the subset JUnit uses.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <mlci/junit/xml.hpp>

namespace mlci::junit {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) {
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
bool space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Decodes entity and character references. In attribute values, literal
// tabs and line ends become spaces (XML's attribute-value normalisation).
std::string decode(std::string_view raw, bool attribute) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\r') {
            // "\r\n" and a lone "\r" are one line end.
            if (i + 1 < raw.size() && raw[i + 1] == '\n')
                ++i;
            out += attribute ? ' ' : '\n';
            continue;
        }
        if (attribute && (c == '\n' || c == '\t')) {
            out += ' ';
            continue;
        }
        if (c != '&') {
            out += c;
            continue;
        }
        auto semi = raw.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 12) {
            out += c;
            continue;
        }
        auto ref = raw.substr(i + 1, semi - i - 1);
        static constexpr std::pair<std::string_view, char> named[] = {
            {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'}};
        bool done = false;
        for (auto [n, v] : named)
            if (ref == n) {
                out += v;
                done = true;
            }
        if (!done && ref.size() >= 2 && ref[0] == '#') {
            bool hex = ref[1] == 'x';
            auto digits = ref.substr(hex ? 2 : 1);
            uint32_t cp = 0;
            auto [p, ec] =
                std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
            if (ec == std::errc() && p == digits.data() + digits.size() && !digits.empty() &&
                is_xml_char(cp)) {
                append_utf8(out, cp);
                done = true;
            }
        }
        if (done)
            i = semi;
        else
            out += c; // not a reference: keep the '&' as text
    }
    return out;
}

class Parser {
public:
    Parser(std::string_view text, std::string_view where) : m_s(text), m_where(where) {}

    Result<XmlElement> document() {
        if (m_s.starts_with("\xEF\xBB\xBF"))
            m_pos = 3;
        MLCI_TRY(misc(/*prolog=*/true));
        if (at_end())
            return fail("no root element");
        if (m_s[m_pos] != '<')
            return fail("text before the root element");
        MLCI_TRY_ASSIGN(root, element(0));
        MLCI_TRY(misc(/*prolog=*/false));
        if (!at_end())
            return fail("content after the end of the root element <" + root.name + ">");
        return root;
    }

private:
    std::unexpected<Error> fail(std::string_view what) {
        return usage_error("malformed XML in '{}' at line {}: {}", m_where, line(), what);
    }
    bool at_end() const { return m_pos >= m_s.size(); }
    bool starts(std::string_view p) const { return m_s.substr(m_pos).starts_with(p); }

    // The 1-based line of m_pos; m_pos only moves forward, so count as it goes.
    size_t line() {
        auto upto = std::min(m_pos, m_s.size());
        m_line += static_cast<size_t>(std::count(m_s.begin() + static_cast<ptrdiff_t>(m_counted),
                                                 m_s.begin() + static_cast<ptrdiff_t>(upto), '\n'));
        m_counted = std::max(m_counted, upto);
        return m_line;
    }

    void skip_space() {
        while (!at_end() && space(m_s[m_pos]))
            ++m_pos;
    }

    Status skip_past(std::string_view end, std::string_view what) {
        auto found = m_s.find(end, m_pos);
        if (found == std::string_view::npos)
            return fail(fmt::format("{} is not closed with '{}'", what, end));
        m_pos = found + end.size();
        return {};
    }

    // <!DOCTYPE ...> with an optional internal subset in brackets, skipped.
    Status skip_doctype() {
        int depth = 0;
        char quote = 0;
        for (; !at_end(); ++m_pos) {
            char c = m_s[m_pos];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                ++depth;
            } else if (c == ']') {
                --depth;
            } else if (c == '>' && depth <= 0) {
                ++m_pos;
                return {};
            }
        }
        return fail("DOCTYPE is not closed with '>'");
    }

    // Whitespace, comments and processing instructions around the root.
    Status misc(bool prolog) {
        for (;;) {
            skip_space();
            if (starts("<!--"))
                MLCI_TRY(skip_past("-->", "a comment"));
            else if (starts("<?"))
                MLCI_TRY(skip_past("?>", "a processing instruction"));
            else if (prolog && starts("<!DOCTYPE"))
                MLCI_TRY(skip_doctype());
            else
                return {};
        }
    }

    Result<std::string> name(std::string_view what) {
        auto start = m_pos;
        if (at_end() || !name_start(m_s[m_pos]))
            return fail(fmt::format("expected {}", what));
        while (!at_end() && name_char(m_s[m_pos]))
            ++m_pos;
        return std::string(m_s.substr(start, m_pos - start));
    }

    Status attributes(XmlElement& e) {
        for (;;) {
            bool had_space = !at_end() && space(m_s[m_pos]);
            skip_space();
            if (at_end())
                return fail(fmt::format("start tag <{}> is not closed", e.name));
            if (m_s[m_pos] == '>' || starts("/>"))
                return {};
            if (!had_space)
                return fail(fmt::format("expected a space before an attribute of <{}>", e.name));
            MLCI_TRY_ASSIGN(key, name(fmt::format("an attribute name in <{}>", e.name)));
            skip_space();
            if (at_end() || m_s[m_pos] != '=')
                return fail(fmt::format("attribute '{}' of <{}> has no '='", key, e.name));
            ++m_pos;
            skip_space();
            if (at_end() || (m_s[m_pos] != '"' && m_s[m_pos] != '\''))
                return fail(fmt::format("value of attribute '{}' is not quoted", key));
            char quote = m_s[m_pos++];
            auto end = m_s.find(quote, m_pos);
            if (end == std::string_view::npos)
                return fail(fmt::format("value of attribute '{}' is not closed", key));
            auto raw = m_s.substr(m_pos, end - m_pos);
            if (raw.find('<') != std::string_view::npos)
                return fail(fmt::format("'<' in the value of attribute '{}'", key));
            e.attributes.emplace_back(std::move(key), decode(raw, true));
            m_pos = end + 1;
        }
    }

    Result<XmlElement> element(size_t depth) {
        if (depth >= k_xml_max_depth)
            return fail(fmt::format("elements nested deeper than {}", k_xml_max_depth));
        XmlElement e;
        e.line = line();
        ++m_pos; // '<'
        MLCI_TRY_ASSIGN(n, name("an element name after '<'"));
        e.name = std::move(n);
        MLCI_TRY(attributes(e));
        if (starts("/>")) {
            m_pos += 2;
            return e;
        }
        ++m_pos; // '>'
        for (;;) {
            if (at_end())
                return fail(fmt::format("element <{}> from line {} is not closed", e.name, e.line));
            if (starts("</")) {
                m_pos += 2;
                MLCI_TRY_ASSIGN(end, name("an element name after '</'"));
                if (end != e.name)
                    return fail(fmt::format("</{}> closes <{}> from line {}", end, e.name, e.line));
                skip_space();
                if (at_end() || m_s[m_pos] != '>')
                    return fail(fmt::format("end tag </{}> is not closed", end));
                ++m_pos;
                return e;
            }
            if (starts("<!--")) {
                MLCI_TRY(skip_past("-->", "a comment"));
            } else if (starts("<![CDATA[")) {
                auto start = m_pos + 9;
                MLCI_TRY(skip_past("]]>", "a CDATA section"));
                e.text.append(m_s.substr(start, m_pos - 3 - start));
            } else if (starts("<?")) {
                MLCI_TRY(skip_past("?>", "a processing instruction"));
            } else if (starts("<!")) {
                return fail("unexpected '<!' inside an element");
            } else if (m_s[m_pos] == '<') {
                MLCI_TRY_ASSIGN(child, element(depth + 1));
                e.children.push_back(std::move(child));
            } else {
                auto end = std::min(m_s.find('<', m_pos), m_s.size());
                e.text += decode(m_s.substr(m_pos, end - m_pos), false);
                m_pos = end;
            }
        }
    }

    std::string_view m_s;
    std::string_view m_where;
    size_t m_pos = 0;
    size_t m_line = 1;
    size_t m_counted = 0;
};

} // namespace

std::string XmlElement::attribute(std::string_view key, std::string_view fallback) const {
    for (auto& [k, v] : attributes)
        if (k == key)
            return v;
    return std::string(fallback);
}

bool XmlElement::has_attribute(std::string_view key) const {
    return std::any_of(attributes.begin(), attributes.end(),
                       [&](auto& a) { return a.first == key; });
}

Result<XmlElement> parse_xml(std::string_view text, std::string_view where) {
    return Parser(text, where).document();
}

} // namespace mlci::junit
