// A run's output files: hashed into the store when the run is recorded, and
// put back byte for byte when the run cache reuses the run.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

struct CollectedOutputs {
    std::vector<store::FileEntry> files; // sorted by path, relative to the base
    std::vector<std::string> missing;    // declared paths that do not exist
};

// Stores every file of the declared outputs (files or folders, relative to
// `base`) as blobs, each read once, on `jobs` threads. With `cache`, the
// files' stats are recorded in it so that a cache hit need not re-read them.
Result<CollectedOutputs> collect_outputs(const store::Store& store, const fs::path& base,
                                         const std::vector<std::string>& declared, unsigned jobs,
                                         data::StatCache* cache);

struct RestoreStats {
    uint64_t files = 0, bytes = 0;             // in the run's outputs
    uint64_t restored = 0, restored_bytes = 0; // written from the store
};

// Makes the files under `base` equal to `files`: a file whose stat the cache
// knows with the right digest is left alone, one that differs or is missing
// is copied from its blob. Needs the blobs; a usage error names a missing one.
Result<RestoreStats> restore_outputs(const store::Store& store, const fs::path& base,
                                     const std::vector<store::FileEntry>& files,
                                     data::StatCache& cache, unsigned jobs);

// Writes the file `entry` (a blob, or chunks) to `dest` as restore_blob does.
Status restore_file(const store::Store& store, const store::FileEntry& entry, const fs::path& dest);

// Writes the blob `digest` to `dest` atomically (a temporary file next to it,
// renamed into place) with permission bits `mode`. Uses a reflink or an
// in-kernel copy where the file system has one.
Status restore_blob(const store::Store& store, const hash::Digest& digest, uint64_t size,
                    uint32_t mode, const fs::path& dest);

} // namespace mlci::train
