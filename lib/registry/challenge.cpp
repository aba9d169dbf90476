#include <algorithm>
#include <cctype>
#include <mlci/registry/challenge.hpp>

namespace mlci::registry {

namespace {

bool token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

class Scanner {
public:
    explicit Scanner(std::string_view s) : m_s(s) {}
    void skip_space() {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t'))
            ++m_i;
    }
    bool done() {
        skip_space();
        return m_i >= m_s.size();
    }
    bool eat(char c) {
        skip_space();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    std::string_view token() {
        skip_space();
        size_t b = m_i;
        while (m_i < m_s.size() && token_char(m_s[m_i]))
            ++m_i;
        return m_s.substr(b, m_i - b);
    }
    // A quoted string (backslash escapes) or a token.
    std::string value() {
        skip_space();
        if (m_i >= m_s.size() || m_s[m_i] != '"') {
            // Strictly a token; registries also send bare URLs: read to ',' or space.
            size_t b = m_i;
            while (m_i < m_s.size() && m_s[m_i] != ',' && m_s[m_i] != ' ' && m_s[m_i] != '\t')
                ++m_i;
            return std::string(m_s.substr(b, m_i - b));
        }
        std::string out;
        for (++m_i; m_i < m_s.size() && m_s[m_i] != '"'; ++m_i) {
            if (m_s[m_i] == '\\' && m_i + 1 < m_s.size())
                ++m_i;
            out.push_back(m_s[m_i]);
        }
        if (m_i < m_s.size())
            ++m_i;
        return out;
    }
    size_t pos() const { return m_i; }
    void seek(size_t i) { m_i = i; }

private:
    std::string_view m_s;
    size_t m_i = 0;
};

} // namespace

std::vector<Challenge> parse_challenges(std::string_view header) {
    std::vector<Challenge> out;
    Scanner s(header);
    while (!s.done()) {
        if (s.eat(','))
            continue;
        auto scheme = s.token();
        if (scheme.empty())
            break; // not a token: give up on the rest
        Challenge c{lower(scheme), {}};
        // auth-params: name=value pairs separated by commas, until a token
        // that is not followed by '=' starts the next challenge.
        for (;;) {
            auto mark = s.pos();
            while (s.eat(',')) {
            }
            auto name = s.token();
            if (name.empty() || !s.eat('=')) {
                s.seek(mark);
                break;
            }
            c.params[lower(name)] = s.value();
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace mlci::registry
