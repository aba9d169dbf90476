#include <mlci/junit/xml.hpp>
#include <mlci/report/markdown.hpp>

namespace mlci::report {

std::string markdown_escape(std::string_view text) {
    std::string out;
    for (char c : junit::clean_text(text)) {
        switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '(':
        case ')':
        case '#':
        case '|':
        case '~':
        case '!':
            out += '\\';
            out += c;
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '\n':
        case '\r':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string markdown_cell(std::string_view text) {
    std::string out;
    for (char c : junit::clean_text(text)) {
        if (c == '|')
            out += "\\|"; // GitLab and GitHub end table cells at '|' even in code
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string markdown_code(std::string_view text) {
    auto inside = markdown_cell(text);
    std::erase(inside, '`');
    return "`" + inside + "`";
}

} // namespace mlci::report
