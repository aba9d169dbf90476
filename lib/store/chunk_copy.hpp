// Reading a chunked file back (ARCHITECTURE.md §1): its chunks come out of
// their packs in stretches of chunks that lie end to end, and are hashed on
// a thread of their own while the caller writes them, so that a checkout
// reads, hashes and writes at once rather than in turn.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>

namespace mlci::store {

struct CopiedContent {
    hash::Digest digest; // of the bytes given to the sink
    uint64_t size = 0;
};

// Gives the bytes of the chunked file `entry` (`what` in errors) to `sink`
// in order, and returns their digest and size for the caller to check.
Result<CopiedContent> copy_chunks(const Store& store, const FileEntry& entry,
                                  const ContentSink& sink, const fs::path& what);

} // namespace mlci::store
