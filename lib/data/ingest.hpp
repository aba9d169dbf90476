// Putting one workspace file into the store: hashed and stored in one read.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>

namespace mlci::data {

enum class IngestMode {
    copy, // read once: each chunk is hashed and written to the blob
    // Avoid the copy where it is safe: a reflink (the store gets its own
    // inode sharing the extents copy-on-write), else, for an unprivileged
    // user, a hard link with the workspace file made read-only. Otherwise
    // (root, another file system, a file not ours) the file is copied.
    link,
};

// Why a --link ingest copied the file after all.
enum class LinkFallback {
    none,
    privileged,        // root ignores the read-only bit, so a hard link would not protect the blob
    other_file_system, // the store is on another file system
    not_linkable,      // not our file, or the file system refused the link
};

struct Ingested {
    store::FileEntry entry;
    FileStat stat;          // the workspace file's stat after ingest (for the stat cache)
    bool new_blob = false;  // false when the store already had the content
    uint64_t new_bytes = 0; // of new blobs or new chunks
    LinkFallback fallback = LinkFallback::none;
    // A large file stored in chunks: its entry gets its chunk lists once the
    // chunk store is finished (store::put_chunk_lists).
    std::optional<store::ChunkedContent> chunked = {};
};

// Stores the file `abs_path` as a blob, or, when `chunks` is given and the
// file is at least store::k_chunk_threshold bytes, as chunks in `chunks`;
// `rel_path` goes into the entry. `on_bytes` hears of a chunked file's
// progress. --link (IngestMode::link) keeps files
// whole: it trades deduplication across versions for no copy at all. A
// failure leaves the workspace file as it was.
Result<Ingested> ingest_file(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path, IngestMode mode,
                             store::ChunkStore* chunks = nullptr,
                             const std::function<void(uint64_t)>& on_bytes = {});

} // namespace mlci::data
