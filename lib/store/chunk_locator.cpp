#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunk_store.hpp>

namespace mlci::store {

ChunkLocator::ChunkLocator(const Store& store, std::unordered_set<hash::Digest> skip)
    : m_store(store), m_skip(std::move(skip)) {}

bool ChunkLocator::has_pack(const hash::Digest& home) {
    auto [it, added] = m_packs.try_emplace(home, false);
    if (added)
        it->second = !m_skip.contains(home) && m_store.has_blob(home);
    return it->second;
}

void ChunkLocator::load_index() {
    m_index.clear();
    // Read only: an index that cannot be read finds nothing (verify says why).
    (void)for_each_indexed_pack(
        m_store, [&](const hash::Digest& pack, uint64_t, const std::vector<PackEntry>& entries) {
            if (m_skip.contains(pack))
                return;
            for (auto& e : entries)
                m_index.try_emplace(e.id, ChunkLocation{pack, e.offset, e.length});
        });
    m_loaded = true;
}

std::optional<ChunkLocation> ChunkLocator::locate(const hash::Digest& home, const ChunkRecord& c) {
    if (has_pack(home))
        return ChunkLocation{home, c.offset, c.length};
    if (!m_loaded)
        load_index();
    // Every writer makes a pack's index entry durable with the pack, before
    // a manifest names it or (repack) the old pack goes; a lost chunks/
    // folder is rebuilt from the packs' trailers when loaded.
    auto it = m_index.find(c.id);
    if (it == m_index.end() || it->second.length != c.length)
        return std::nullopt;
    return it->second;
}

} // namespace mlci::store
