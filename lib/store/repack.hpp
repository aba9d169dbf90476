// gc --repack (ARCHITECTURE.md §2): the space of packs that are mostly dead,
// whose chunks no kept file needs any more. Their live chunks are copied
// into new packs, which are made durable, and then the old packs go. Chunk
// lists keep naming a chunk's home (chunk_locator.hpp), so no chunk list,
// file list or manifest changes, and no digest: the chunk index finds the
// moved chunks. A kill at any instant leaves the old pack, or the new one
// durable with its index entry, so every version still checks out.
#pragma once

#include <mlci/store/store.hpp>
#include <vector>

namespace mlci::store {

// A pack is repacked when its live chunks take less than this share of it.
inline constexpr double k_repack_live_share = 0.5;

struct PackUse {
    hash::Digest pack;
    uint64_t size = 0;       // the whole blob
    uint64_t live_bytes = 0; // of the chunks some kept file needs
};

// The packs worth repacking, in the order given: those whose live share is
// below `live_share` (a pack with nothing live is plain gc's to delete).
std::vector<hash::Digest> plan_repack(const std::vector<PackUse>& packs,
                                      double live_share = k_repack_live_share);

struct RepackReport {
    std::vector<hash::Digest> packs; // repacked (or, in a dry run, to repack)
    uint64_t old_bytes = 0;          // their size
    uint64_t new_bytes = 0;          // the size of the packs their live chunks went to
    uint64_t chunks_moved = 0;
};

// Measures how much of each pack the live chunk lists `chunk_lists` use and
// repacks the mostly dead ones (only measures with `dry_run`). The caller
// holds the gc lock.
Result<RepackReport> repack(const Store& store, const std::vector<hash::Digest>& chunk_lists,
                            bool dry_run);

} // namespace mlci::store
