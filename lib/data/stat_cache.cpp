#include <charconv>
#include <chrono>
#include <mlci/core/fs.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/hash/sha256.hpp>

namespace mlci::data {

namespace {

// One line an entry: "<hex> <size> <inode> <mtime_ns> <ctime_ns> <mode> <path>\n".
// Paths never hold a newline here: scan refuses nothing, so escape it.
std::string escape_path(std::string_view p) {
    std::string out;
    for (char c : p) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out.push_back(c);
    }
    return out;
}

std::string unescape_path(std::string_view p) {
    std::string out;
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\' && i + 1 < p.size()) {
            out.push_back(p[i + 1] == 'n' ? '\n' : p[i + 1]);
            ++i;
        } else {
            out.push_back(p[i]);
        }
    }
    return out;
}

} // namespace

StatCache StatCache::load(const store::Store& store, const fs::path& base) {
    StatCache cache;
    auto key = hash::sha256_of(base.lexically_normal().string()).short_hex(16);
    cache.m_file = store.cache_dir() / ("stat-" + key);
    auto text = read_file(cache.m_file);
    if (!text)
        return cache;
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos)
            break;
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        if (line.size() < 66 || line[64] != ' ')
            continue;
        auto d = hash::Digest::parse("sha256:" + std::string(line.substr(0, 64)));
        line.remove_prefix(65);
        Entry e;
        if (!d || !take_number(line, e.stat.size) || !take_number(line, e.stat.inode) ||
            !take_number(line, e.stat.mtime_ns) || !take_number(line, e.stat.ctime_ns) ||
            !take_number(line, e.stat.mode))
            continue;
        e.digest = *d;
        cache.m_entries.emplace(unescape_path(line), std::move(e));
    }
    return cache;
}

std::optional<hash::Digest> StatCache::lookup(const std::string& path, const FileStat& st) const {
    auto it = m_entries.find(path);
    if (it == m_entries.end())
        return {};
    auto& c = it->second.stat;
    if (c.size != st.size || c.inode != st.inode || c.mtime_ns != st.mtime_ns ||
        c.ctime_ns != st.ctime_ns || c.mode != st.mode)
        return {};
    return it->second.digest;
}

void StatCache::record(const std::string& path, const FileStat& st, const hash::Digest& d) {
    m_entries[path] = Entry{st, d};
}

Status StatCache::save() const {
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    constexpr int64_t k_racy_window = 2'000'000'000;
    std::string out;
    out.reserve(m_entries.size() * 120);
    for (auto& [path, e] : m_entries) {
        if (e.stat.mtime_ns > now - k_racy_window || e.stat.ctime_ns > now - k_racy_window)
            continue;
        out += fmt::format("{} {} {} {} {} {} {}\n", e.digest.hex(), e.stat.size, e.stat.inode,
                           e.stat.mtime_ns, e.stat.ctime_ns, e.stat.mode, escape_path(path));
    }
    return write_file_atomic(m_file, out, /*durable=*/false);
}

} // namespace mlci::data
