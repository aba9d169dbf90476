// Unpacking a package image into a host folder for a `dir` deploy, safely:
// the layers are hostile input until proven otherwise. An entry with an
// absolute path or a `..` component, a symlink or hard link that leaves the
// folder, or a device file refuses the whole package, and nothing is left
// behind: callers unpack into a staging folder and rename it into place.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/store/store.hpp>

namespace mlci::deploy {

struct UnpackStats {
    uint64_t files = 0, dirs = 0, links = 0, bytes = 0, whiteouts = 0;
};

// Extracts the layers of the image manifest `m` in order into `dir` (which
// must exist and be empty), applying OCI whiteouts. Unsafe entries are
// usage errors (exit 2) naming the layer and the entry.
Result<UnpackStats> unpack_image(const store::Store& store, const store::Manifest& m,
                                 const std::filesystem::path& dir);

// Extracts one tar (plain, gzip or zstd: detected) the same way; `what`
// names it in errors.
Result<UnpackStats> unpack_layer(const std::filesystem::path& tar, const std::filesystem::path& dir,
                                 std::string_view what);

// Whether `path` (a tar entry name) is a relative path with no `..`.
bool safe_entry_path(std::string_view path);
// Whether a symlink at entry `path` pointing at `target` stays inside the root.
bool safe_link_target(std::string_view path, std::string_view target);

} // namespace mlci::deploy
