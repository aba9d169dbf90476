// The chunks a pull needs from packs (ARCHITECTURE.md §2). A store holding
// an earlier version, or a pull of some paths only, needs some chunks of a
// pack: those come by HTTP Range requests (ranges.hpp) into packs of the
// store's own, each chunk checked against its digest first; a pack whose
// needed ranges cover half of it or more comes whole, as a blob.
#pragma once

#include <mlci/registry/ranges.hpp>
#include <mlci/registry/remote.hpp>
#include <mlci/store/chunk_list.hpp>
#include <mlci/store/chunk_store.hpp>
#include <unordered_set>
#include <vector>

namespace mlci::registry {

struct PackFetch {
    store::Descriptor pack;
    std::vector<store::ChunkRecord> chunks; // sorted by offset; `pack` fields unused
    std::vector<ByteRange> ranges;          // what to request
};

struct PackPlan {
    std::vector<store::Descriptor> whole;
    std::vector<PackFetch> ranged;
};

// The chunks of `lists` that the store holds nowhere and that `seen` does
// not hold yet (ids are added to it), grouped by pack and planned as ranges.
PackPlan plan_pack_fetches(const store::Store& store, const std::vector<store::ChunkList>& lists,
                           std::unordered_set<hash::RawDigest>& seen);

// Fetches the ranges of `fetch` and puts its chunks into `chunks`, each
// checked against its digest (a corrupt one is an error, and nothing of it
// is stored). False when the remote ignored the Range (fetch it whole).
Result<bool> fetch_pack_ranges(Remote& remote, const PackFetch& fetch, store::ChunkStore& chunks,
                               TransferStats& stats);

} // namespace mlci::registry
