#include <algorithm>
#include <charconv>
#include <mlci/core/fs.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/store/file_list.hpp>

namespace mlci::data {

namespace {

// A pointer file is line-based text: a name holding a line break or another
// control character (a carriage return before the newline, say) would not
// read back as the same name, so such names are refused both ways.
bool has_control_character(std::string_view text) {
    return std::ranges::any_of(text, [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

} // namespace

std::string serialize_pointer(const Pointer& p) {
    return fmt::format("# mlci data pointer: restore with 'mlci data-version checkout {}{}'\n"
                       "path: {}\ntree: {}\nfiles: {}\nsize: {}\ndataset: {}\n",
                       p.shown.empty() ? p.path : p.shown, p.shown.empty() ? k_pointer_suffix : "",
                       p.path, p.tree.str(), p.files, p.size, p.dataset);
}

Result<Pointer> parse_pointer(std::string_view text, const fs::path& where) {
    Pointer p;
    size_t line_no = 0;
    bool have_tree = false;
    while (!text.empty()) {
        ++line_no;
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        auto colon = line.find(": ");
        auto bad = [&](std::string_view why) {
            return usage_error("malformed pointer file '{}:{}': {}", where.string(), line_no, why);
        };
        if (colon == std::string_view::npos)
            return bad("expected 'key: value'");
        auto key = line.substr(0, colon);
        auto value = line.substr(colon + 2);
        auto number = [&](uint64_t& out) -> Status {
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
            if (ec != std::errc() || ptr != value.data() + value.size())
                return bad(fmt::format("'{}' is not a number", value));
            return {};
        };
        if (has_control_character(value))
            return bad("a control character in the value");
        if (key == "path") {
            if (!store::is_safe_relative_path(value) || value.find('/') != std::string_view::npos)
                return bad(fmt::format("unsafe path '{}'", value));
            p.path = value;
        } else if (key == "tree") {
            auto d = hash::Digest::parse(value);
            if (!d)
                return bad(d.error().message);
            p.tree = *d;
            have_tree = true;
        } else if (key == "files") {
            MLCI_TRY(number(p.files));
        } else if (key == "size") {
            MLCI_TRY(number(p.size));
        } else if (key == "dataset") {
            p.dataset = value;
        } else {
            return bad(fmt::format("unknown key '{}'", key));
        }
    }
    if (p.path.empty() || !have_tree)
        return usage_error("malformed pointer file '{}': needs 'path' and 'tree'", where.string());
    return p;
}

Result<Pointer> read_pointer(const fs::path& file) {
    auto text = read_file(file);
    if (!text) {
        if (!fs::exists(file))
            return usage_error("pointer file '{}' does not exist", file.string());
        return std::unexpected(text.error());
    }
    return parse_pointer(*text, file);
}

Status write_pointer(const fs::path& file, const Pointer& p) {
    if (has_control_character(p.path) || has_control_character(p.dataset))
        return usage_error(
            "cannot write a pointer file for '{}': the name holds a control character "
            "(a pointer file is one name per line)",
            file.string());
    return write_file_atomic(file, serialize_pointer(p));
}

Status ignore_in_git(const fs::path& dir, const std::string& name, bool* added) {
    if (added)
        *added = false;
    auto file = dir / ".gitignore";
    std::string text;
    if (fs::exists(file)) {
        MLCI_TRY_ASSIGN(existing, read_file(file));
        text = std::move(existing);
    }
    auto wanted = "/" + name;
    size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto line = std::string_view(text).substr(
            start, end == std::string::npos ? std::string::npos : end - start);
        if (line == wanted || line == name || line == wanted + "/" || line == name + "/")
            return {};
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    if (!text.empty() && text.back() != '\n')
        text.push_back('\n');
    text += wanted + "\n";
    MLCI_TRY(write_file_atomic(file, text));
    if (added)
        *added = true;
    return {};
}

} // namespace mlci::data
