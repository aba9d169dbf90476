// Where a write (an add, a run's outputs) puts chunks: a chunk the store has
// already is found through the chunk index, a new one is appended to an
// open pack. The chunk index is one file per pack under mlci/chunks/, a copy
// of that pack's own index: a cache, rebuilt from the packs when lost.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mlci/core/error.hpp>
#include <mlci/hash/raw_digest.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mlci/store/chunk_list.hpp>
#include <mlci/store/pack.hpp>
#include <mlci/store/store.hpp>
#include <span>
#include <unordered_set>

namespace mlci::store {

class ChunkStore {
public:
    // Loads the chunk index. The caller holds the store's writer lock until
    // the packs are named by a manifest (or gc's lock, for --repack); chunks
    // the packs in `skip` (which gc --repack replaces) are not reused.
    static Result<std::unique_ptr<ChunkStore>>
    open(const Store& store, const std::unordered_set<hash::Digest>& skip = {});
    ~ChunkStore();

    struct Placed {
        uint32_t pack = 0; // a slot: pack(slot) names it once finish() returned
        uint64_t offset = 0;
        uint32_t length = 0;
        bool added = false; // false when the store had the chunk
    };
    // Stores the chunk `bytes`, whose sha256 is `id`, unless present. Safe
    // to call from several threads.
    Result<Placed> put(const hash::RawDigest& id, std::span<const uint8_t> bytes);
    // Closes the open pack; every slot then names a pack in the store.
    Status finish();
    const BlobRef& pack(uint32_t slot) const;
    // The thread that hashes the packs as they are written: a chunked file's
    // whole digest is hashed there too, beside them (hash/stream_hasher.hpp).
    hash::StreamHasher& hasher();
    // Hands the bytes of the new chunks put so far to the hasher now (see
    // PackWriter::hash_appended), to go beside bytes the caller hands it next.
    void hash_pending();

private:
    struct Impl;
    explicit ChunkStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Records the pack `pack` (a blob of the store) in the chunk index.
Status index_pack(const Store& store, const hash::Digest& pack);
// Reads the index of the pack blob `pack`.
Result<std::vector<PackEntry>> read_pack_index(const Store& store, const hash::Digest& pack);
// Calls `visit` with each pack the chunk index lists and the store holds:
// its digest, size and chunks (an entry whose pack is gone is removed).
using IndexedPackVisitor =
    std::function<void(const hash::Digest&, uint64_t, const std::vector<PackEntry>&)>;
Status for_each_indexed_pack(const Store& store, const IndexedPackVisitor& visit);
// Rebuilds the chunk index from the packs the store holds; returns how many.
Result<size_t> rebuild_chunk_index(const Store& store);

} // namespace mlci::store
