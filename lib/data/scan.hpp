// Listing the files under a dataset root, with the stat facts the stat cache keys on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/core/progress.hpp>
#include <string>
#include <vector>

namespace mlci::data {

namespace fs = std::filesystem;

struct FileStat {
    uint64_t size = 0;
    uint64_t inode = 0;
    uint64_t device = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    uint32_t mode = 0; // permission bits
};

struct ScannedFile {
    std::string path; // relative to the scan base, '/'-separated
    FileStat stat;
};

// The regular files of `root` (a file or a folder), with paths relative to
// `base` (the root's parent folder), sorted. Folders are read in parallel.
// Symlinks and special files are refused with a usage error naming them;
// ".git" and ".mlci" folders are skipped.
Result<std::vector<ScannedFile>> scan_root(const fs::path& root, const fs::path& base,
                                           unsigned jobs);

// The stat facts of one file.
Result<FileStat> stat_file(const fs::path& path);

} // namespace mlci::data
