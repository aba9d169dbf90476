#include <algorithm>
#include <fnmatch.h>
#include <mlci/store/file_list.hpp>
#include <simdjson.h>

namespace mlci::store {

namespace {

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20)
                out += fmt::format("\\u{:04x}", c);
            else
                out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

} // namespace

bool is_safe_relative_path(std::string_view path) {
    if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos)
        return false;
    size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        auto part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == "..")
            return false;
        start = end + 1;
    }
    return true;
}

std::string serialize_file_list(std::vector<FileEntry>& entries) {
    std::sort(entries.begin(), entries.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
    std::string out;
    out.reserve(entries.size() * 140 + 16);
    out += "{\"files\":[";
    for (size_t i = 0; i < entries.size(); ++i) {
        auto& e = entries[i];
        if (i)
            out.push_back(',');
        out += "{\"path\":";
        append_json_string(out, e.path);
        out += fmt::format(",\"size\":{},\"mode\":{},\"digest\":\"{}\"", e.size, e.mode,
                           e.digest.str());
        if (e.chunked()) {
            out += ",\"chunks\":[";
            for (size_t c = 0; c < e.chunk_lists.size(); ++c)
                out += fmt::format("{}{{\"digest\":\"{}\",\"size\":{}}}", c ? "," : "",
                                   e.chunk_lists[c].digest.str(), e.chunk_lists[c].size);
            out.push_back(']');
        }
        out.push_back('}');
    }
    out += "]}";
    return out;
}

Result<std::vector<FileEntry>> parse_file_list(std::string_view text, std::string_view where) {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(text);
    std::vector<FileEntry> out;
    auto bad = [&](std::string_view why) {
        return usage_error("malformed file list '{}': {}", where, why);
    };
    try {
        auto doc = parser.iterate(padded);
        for (auto item : doc["files"].get_array()) {
            FileEntry e;
            auto obj = item.get_object();
            for (auto field : obj) {
                std::string_view key = field.unescaped_key();
                if (key == "path")
                    e.path = std::string(std::string_view(field.value().get_string()));
                else if (key == "size")
                    e.size = field.value().get_uint64();
                else if (key == "mode")
                    e.mode = static_cast<uint32_t>(field.value().get_uint64());
                else if (key == "digest") {
                    auto d = hash::Digest::parse(std::string_view(field.value().get_string()));
                    if (!d)
                        return bad(d.error().message);
                    e.digest = *d;
                } else if (key == "chunks") {
                    for (auto item : field.value().get_array()) {
                        BlobRef list;
                        for (auto f : item.get_object()) {
                            std::string_view k = f.unescaped_key();
                            if (k == "digest") {
                                auto d =
                                    hash::Digest::parse(std::string_view(f.value().get_string()));
                                if (!d)
                                    return bad(d.error().message);
                                list.digest = *d;
                            } else if (k == "size") {
                                list.size = f.value().get_uint64();
                            }
                        }
                        if (list.digest.empty())
                            return bad(
                                fmt::format("a chunk list without a digest for '{}'", e.path));
                        e.chunk_lists.push_back(std::move(list));
                    }
                }
            }
            if (!is_safe_relative_path(e.path))
                return bad(fmt::format("unsafe path '{}'", e.path));
            if (e.digest.empty())
                return bad(fmt::format("no digest for '{}'", e.path));
            out.push_back(std::move(e));
        }
    } catch (const simdjson::simdjson_error& e) {
        return bad(e.what());
    }
    return out;
}

bool path_selected(std::string_view path, const std::vector<std::string>& patterns) {
    if (patterns.empty())
        return true;
    std::string p(path);
    for (auto pattern : patterns) {
        while (pattern.size() > 1 && pattern.back() == '/')
            pattern.pop_back();
        if (p == pattern || (p.starts_with(pattern) && p[pattern.size()] == '/') ||
            ::fnmatch(pattern.c_str(), p.c_str(), 0) == 0)
            return true;
    }
    return false;
}

} // namespace mlci::store
