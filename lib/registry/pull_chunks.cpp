#include <algorithm>
#include <map>
#include <mlci/registry/pull_chunks.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::registry {

PackPlan plan_pack_fetches(const store::Store& store, const std::vector<store::ChunkList>& lists,
                           std::unordered_set<hash::RawDigest>& seen) {
    store::ChunkLocator locator(store);
    std::map<hash::Digest, PackFetch> by_pack;
    for (auto& list : lists)
        for (auto& c : list.chunks) {
            auto& home = list.packs[c.pack];
            if (seen.contains(c.id) || locator.locate(home.digest, c))
                continue;
            seen.insert(c.id);
            auto& fetch = by_pack[home.digest];
            fetch.pack = {store::k_media_pack, home.digest, home.size, {}, {}, {}};
            fetch.chunks.push_back(c);
        }
    PackPlan plan;
    for (auto& [digest, fetch] : by_pack) {
        std::sort(fetch.chunks.begin(), fetch.chunks.end(),
                  [](auto& a, auto& b) { return a.offset < b.offset; });
        std::vector<ByteRange> wanted;
        wanted.reserve(fetch.chunks.size());
        for (auto& c : fetch.chunks)
            wanted.push_back({c.offset, c.length});
        fetch.ranges = coalesce_ranges(std::move(wanted));
        // Half the pack or more: one plain download, and the store holds
        // the pack itself (which a push to another registry needs).
        if (range_bytes(fetch.ranges) * 2 >= fetch.pack.size)
            plan.whole.push_back(fetch.pack);
        else
            plan.ranged.push_back(std::move(fetch));
    }
    return plan;
}

Result<bool> fetch_pack_ranges(Remote& remote, const PackFetch& fetch, store::ChunkStore& chunks,
                               TransferStats& stats) {
    auto next = fetch.chunks.begin();
    std::string buf;
    for (auto& r : fetch.ranges) {
        buf.clear();
        buf.reserve(r.length);
        MLCI_TRY_ASSIGN(ranged, remote.fetch_range(
                                    fetch.pack, r.offset, r.length,
                                    [&](std::string_view data) -> Status {
                                        buf.append(data);
                                        return {};
                                    },
                                    stats));
        if (!ranged)
            return false;
        for (; next != fetch.chunks.end() && next->offset + next->length <= r.end(); ++next) {
            auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buf.data()) +
                                                      (next->offset - r.offset),
                                                  next->length);
            if (hash::RawDigest::of(bytes.data(), bytes.size()) != next->id)
                return runtime_error("chunk {} of pack '{}' from '{}' is corrupt: its bytes hash "
                                     "to something else (nothing was added to the store)",
                                     next->id.hex().substr(0, 12), fetch.pack.digest.str(),
                                     remote.location());
            MLCI_TRY(chunks.put(next->id, bytes));
        }
    }
    if (next != fetch.chunks.end())
        return runtime_error("the ranges planned for pack '{}' miss chunk {}",
                             fetch.pack.digest.str(), next->id.hex().substr(0, 12));
    return true;
}

} // namespace mlci::registry
