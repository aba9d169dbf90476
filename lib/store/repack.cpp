#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/repack.hpp>
#include <set>
#include <unistd.h>

namespace mlci::store {

namespace {

struct LiveChunk {
    hash::RawDigest id;
    uint32_t length = 0;
};
// pack -> offset -> the chunk a kept file needs there
using LiveChunks = std::map<hash::Digest, std::map<uint64_t, LiveChunk>>;

Result<LiveChunks> live_chunks(const Store& store, const std::vector<hash::Digest>& chunk_lists) {
    ChunkLocator locator(store);
    LiveChunks live;
    for (auto& d : chunk_lists) {
        MLCI_TRY_ASSIGN(text, store.read_blob(d));
        MLCI_TRY_ASSIGN(list, parse_chunk_list(text, d.str()));
        for (auto& c : list.chunks) {
            auto at = locator.locate(list.packs[c.pack].digest, c);
            // gc's walk found every chunk of a live list: never guess.
            if (!at)
                return runtime_error("chunk {} of chunk list '{}' is in no pack of the store; "
                                     "nothing was repacked (run 'mlci verify')",
                                     c.id.hex().substr(0, 12), d.str());
            live[at->pack].try_emplace(at->offset, LiveChunk{c.id, c.length});
        }
    }
    return live;
}

// Copies the live chunks of `packs` into new packs, each checked against its
// digest, and makes them durable; returns the new packs' total size.
Result<uint64_t> copy_live_chunks(const Store& store, const std::vector<hash::Digest>& packs,
                                  const LiveChunks& live, uint64_t& moved) {
    std::unordered_set<hash::Digest> old(packs.begin(), packs.end());
    MLCI_TRY_ASSIGN(chunks, ChunkStore::open(store, old));
    std::set<uint32_t> slots;
    std::string buf;
    for (auto& pack : packs) {
        auto path = store.blob_path(pack);
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return sys_error(errno, fmt::format("cannot open pack '{}'", pack.str()));
        for (auto& [offset, c] : live.at(pack)) {
            buf.resize(c.length);
            MLCI_TRY(pread_all(fd.get(), buf.data(), c.length, offset, path));
            if (hash::RawDigest::of(buf.data(), buf.size()) != c.id)
                return runtime_error("corrupt pack '{}': the chunk at offset {} does not hash to "
                                     "its digest; nothing was repacked (run 'mlci verify')",
                                     pack.str(), offset);
            MLCI_TRY_ASSIGN(
                placed,
                chunks->put(c.id, std::span<const uint8_t>(
                                      reinterpret_cast<const uint8_t*>(buf.data()), buf.size())));
            if (placed.added) {
                slots.insert(placed.pack);
                ++moved;
            }
        }
    }
    MLCI_TRY(chunks->finish());
    // The new packs and their index entries are durable before an old pack goes.
    MLCI_TRY(store.sync());
    uint64_t size = 0;
    for (auto slot : slots)
        size += chunks->pack(slot).size;
    return size;
}

} // namespace

std::vector<hash::Digest> plan_repack(const std::vector<PackUse>& packs, double live_share) {
    std::vector<hash::Digest> out;
    for (auto& p : packs)
        if (p.live_bytes > 0 && static_cast<double>(p.live_bytes) < live_share * p.size)
            out.push_back(p.pack);
    return out;
}

Result<RepackReport> repack(const Store& store, const std::vector<hash::Digest>& chunk_lists,
                            bool dry_run) {
    MLCI_TRY_ASSIGN(live, live_chunks(store, chunk_lists));
    std::vector<PackUse> uses;
    for (auto& [pack, chunks] : live) {
        std::error_code ec;
        auto size = fs::file_size(store.blob_path(pack), ec);
        if (ec)
            return runtime_error("cannot read the size of pack '{}': {}", pack.str(), ec.message());
        PackUse use{pack, size, 0};
        for (auto& [offset, c] : chunks)
            use.live_bytes += c.length;
        uses.push_back(use);
    }
    RepackReport report;
    report.packs = plan_repack(uses);
    for (auto& u : uses)
        if (std::find(report.packs.begin(), report.packs.end(), u.pack) != report.packs.end())
            report.old_bytes += u.size;
    if (dry_run || report.packs.empty())
        return report;
    MLCI_TRY_ASSIGN(new_bytes, copy_live_chunks(store, report.packs, live, report.chunks_moved));
    report.new_bytes = new_bytes;
    for (auto& pack : report.packs) {
        auto path = store.blob_path(pack);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return sys_error(errno, fmt::format("cannot remove '{}'", path.string()));
        // Its index entry after it: an entry whose pack is gone is skipped.
        ::unlink((store.root() / "mlci" / "chunks" / pack.hex()).c_str());
    }
    return report;
}

} // namespace mlci::store
