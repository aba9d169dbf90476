// Small file-system helpers with Result errors; nothing mlci-specific.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>

namespace mlci {

namespace fs = std::filesystem;

// Returns the whole content of a file.
Result<std::string> read_file(const fs::path& path);

// Reads exactly `size` bytes of `fd` at `offset` into `buf`, retrying short
// reads and EINTR; an error when the file ends first.
Status pread_all(int fd, void* buf, size_t size, uint64_t offset, const fs::path& what);

// Writes all of `data` to `fd`, retrying short writes and EINTR.
Status write_all(int fd, std::string_view data, const fs::path& what);

// Writes `data` to `path` atomically: a temporary file in the same folder,
// optionally fsynced, renamed over `path`. Readers see the old or the new file.
Status write_file_atomic(const fs::path& path, std::string_view data, bool durable = true,
                         unsigned mode = 0644);
// The same, with the temporary file in `temp_dir` (on the file system of
// `path`): for a folder that must hold only finished files, such as a
// store's blobs, where a write cut short by a kill must leave nothing behind
// (`verify` takes any other file there for damage).
Status write_file_atomic_via(const fs::path& temp_dir, const fs::path& path, std::string_view data,
                             bool durable = true, unsigned mode = 0644);

// fsyncs a directory so that a rename inside it survives a crash.
Status sync_dir(const fs::path& dir);

// Returns a unique name for a temporary file next to `target`.
fs::path temp_path_for(const fs::path& target);
// Whether `filename` is one temp_path_for makes: a write that a kill cut
// short leaves such a file.
bool is_temp_name(std::string_view filename);

// Returns `path` relative to `base` when it lies inside it, else an empty path.
fs::path relative_inside(const fs::path& path, const fs::path& base);

} // namespace mlci
