// Where a chunk lies in this store (ARCHITECTURE.md §2). A chunk list names
// each chunk's home: the pack it was first written to, and where in it. The
// store may lack that pack while holding the chunk elsewhere: a pull that
// fetched some chunks of a pack by range, or gc --repack that moved the live
// chunks of a mostly dead pack, put them in packs of its own. The chunk
// index (one copy of each pack's own index) finds those, so chunk lists,
// file lists and manifests never change and their digests stay what they
// were: a chunk's home is where a registry holding the version has it.
#pragma once

#include <cstdint>
#include <mlci/store/chunk_list.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace mlci::store {

struct ChunkLocation {
    hash::Digest pack;
    uint64_t offset = 0;
    uint32_t length = 0;
};

class ChunkLocator {
public:
    // Packs in `skip` are never answered (gc --repack, which is replacing them).
    explicit ChunkLocator(const Store& store, std::unordered_set<hash::Digest> skip = {});

    // The chunk `c` of a list whose pack `c.pack` is `home`: at home when the
    // store holds that pack, else wherever the chunk index finds it; nothing
    // when the store holds it nowhere.
    std::optional<ChunkLocation> locate(const hash::Digest& home, const ChunkRecord& c);
    // True when the store holds the pack `home` itself.
    bool has_pack(const hash::Digest& home);

private:
    void load_index();

    const Store& m_store;
    std::unordered_set<hash::Digest> m_skip;
    std::unordered_map<hash::Digest, bool> m_packs; // pack -> the store holds it
    std::unordered_map<hash::RawDigest, ChunkLocation> m_index;
    bool m_loaded = false;
};

} // namespace mlci::store
