// Remembered answers that hold while the files they depend on are unchanged.
//
// Some answers are slow to get and cheap to check: the git state of a work
// tree, the content ids of its files. Such an answer is kept in a small file
// beside a stat stamp (size, inode, mtime, ctime) of every file and folder it
// was computed from; while every stamp still holds, the kept answer is the
// answer. A stamp taken within two seconds of a change is not trusted (a
// write in the same timestamp tick could go unseen), so such an answer is
// not kept.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlci {

struct Stamp {
    int64_t size = -1; // -1: missing
    uint64_t inode = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
};

// The stamp of `path` itself (a symbolic link is not followed).
Stamp stamp_of(const std::filesystem::path& path);

// A stamp per path, the paths relative to a base folder.
using Stamps = std::vector<std::pair<std::string, Stamp>>;

// The answer kept in `file` under `magic` when every stamp in it still holds
// (paths relative to `base`), else nothing.
std::optional<nlohmann::json> read_remembered(const std::filesystem::path& file,
                                              std::string_view magic,
                                              const std::filesystem::path& base);

// Keeps `answer` in `file` with its stamps, unless a stamp is too fresh to
// trust or a path cannot be written on one line. Best effort: a shortcut only.
void remember(const std::filesystem::path& file, std::string_view magic,
              const nlohmann::json& answer, const Stamps& stamps);

} // namespace mlci
