#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/core/stamps.hpp>
#include <sys/stat.h>

namespace mlci {

namespace {

constexpr int64_t k_racy_window_ns = 2'000'000'000;

} // namespace

Stamp stamp_of(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return {};
    return {static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino),
            st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
            st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

std::optional<nlohmann::json> read_remembered(const std::filesystem::path& file,
                                              std::string_view magic,
                                              const std::filesystem::path& base) {
    auto text = read_file(file);
    if (!text)
        return {};
    std::string_view rest = *text;
    auto line = [&]() -> std::optional<std::string_view> {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos)
            return {};
        auto l = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return l;
    };
    if (line() != magic)
        return {};
    auto answer_line = line();
    if (!answer_line)
        return {};
    auto answer = parse_json(*answer_line, "cached answer");
    if (!answer)
        return {};
    std::string path(4096, '\0');
    while (auto l = line()) {
        // "<size> <inode> <mtime_ns> <ctime_ns> <path>"
        Stamp want;
        if (std::sscanf(std::string(*l).c_str(), "%ld %lu %ld %ld %4095[^\n]", &want.size,
                        &want.inode, &want.mtime_ns, &want.ctime_ns, path.data()) != 5)
            return {};
        if (stamp_of(base / path.c_str()) != want)
            return {};
    }
    return std::move(*answer);
}

void remember(const std::filesystem::path& file, std::string_view magic,
              const nlohmann::json& answer, const Stamps& stamps) {
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string out = std::string(magic) + "\n";
    try {
        out += answer.dump() + "\n";
    } catch (const nlohmann::json::exception&) {
        return; // a path that is not UTF-8: asked again next time
    }
    for (auto& [path, s] : stamps) {
        if (s.mtime_ns > now - k_racy_window_ns || s.ctime_ns > now - k_racy_window_ns)
            return; // too fresh to trust next time
        if (path.find('\n') != std::string::npos || path.size() >= 4096)
            return;
        out += fmt::format("{} {} {} {} {}\n", s.size, s.inode, s.mtime_ns, s.ctime_ns,
                           path.empty() ? "." : path);
    }
    (void)write_file_atomic(file, out, /*durable=*/false); // only a shortcut
}

} // namespace mlci
