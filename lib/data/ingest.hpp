// Putting one workspace file into the store: hashed and stored in one read.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>

namespace mlci::data {

enum class IngestMode {
    copy, // read once: each chunk is hashed and written to the blob
    link, // hash, then reflink (else hard link, workspace file made read-only)
};

struct Ingested {
    store::FileEntry entry;
    FileStat stat;         // the workspace file's stat after ingest (for the stat cache)
    bool new_blob = false; // false when the store already had the content
};

// Stores the file `abs_path` as a blob; `rel_path` goes into the entry.
Result<Ingested> ingest_file(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path, IngestMode mode);

} // namespace mlci::data
