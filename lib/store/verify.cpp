#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/media_types.hpp>
#include <mutex>
#include <unistd.h>

namespace mlci::store {

namespace {

// Each pack's index is well formed and each of its chunks has its digest;
// each chunk list names chunks that its packs hold where it says, or, for a
// pack the store lacks, that a pack of the store holds (chunk_locator.hpp).
Status verify_chunks(const Store& store, const std::vector<hash::Digest>& packs,
                     const std::vector<hash::Digest>& chunk_lists, unsigned jobs,
                     std::vector<std::string>& problems) {
    std::mutex m;
    auto fail = [&](std::string msg) {
        std::lock_guard lock(m);
        problems.push_back(std::move(msg));
    };
    // pack -> (offset -> chunk), for checking the chunk lists
    std::map<hash::Digest, std::map<uint64_t, PackEntry>> indexes;
    MLCI_TRY(parallel_for(packs.size(), jobs, [&](size_t i) -> Status {
        auto index = read_pack_index(store, packs[i]);
        if (!index) {
            fail(index.error().message);
            return {};
        }
        UniqueFd fd(::open(store.blob_path(packs[i]).c_str(), O_RDONLY | O_CLOEXEC));
        std::string buf;
        std::map<uint64_t, PackEntry> by_offset;
        for (auto& c : *index)
            by_offset.emplace(c.offset, c);
        for (auto& c : *index) {
            buf.resize(c.length);
            if (!fd || !pread_all(fd.get(), buf.data(), c.length, c.offset, packs[i].str()) ||
                hash::RawDigest::of(buf.data(), buf.size()) != c.id) {
                fail(fmt::format("corrupt pack '{}': the chunk at offset {} does not hash to "
                                 "its digest",
                                 packs[i].str(), c.offset));
                break;
            }
        }
        std::lock_guard lock(m);
        indexes.emplace(packs[i], std::move(by_offset));
        return {};
    }));
    ChunkLocator locator(store);
    for (auto& d : chunk_lists) {
        auto text = store.read_blob(d);
        if (!text)
            continue; // reported by the walk
        auto list = parse_chunk_list(*text, d.str());
        if (!list)
            continue;
        for (auto& c : list->chunks) {
            // At home, or moved by a ranged pull or gc --repack.
            auto where = locator.locate(list->packs[c.pack].digest, c);
            if (!where)
                continue; // a missing pack, reported by the walk
            auto& pack = where->pack;
            auto index = indexes.find(pack);
            if (index == indexes.end())
                continue; // a missing or broken pack, reported above
            auto at = index->second.find(where->offset);
            if (at == index->second.end() || at->second.id != c.id ||
                at->second.length != c.length) {
                fail(fmt::format("chunk list '{}' names chunk {} at offset {} of pack '{}', "
                                 "which does not hold it there",
                                 d.str(), c.id.hex().substr(0, 12), where->offset, pack.str()));
                break;
            }
        }
    }
    return {};
}

} // namespace

Result<VerifyReport> verify(const Store& store, unsigned jobs, const Reporter& reporter) {
    VerifyReport report;
    std::vector<fs::path> blobs;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(store.root() / "blobs" / "sha256", ec))
        blobs.push_back(e.path());
    if (ec)
        return runtime_error("cannot list blobs in '{}': {}", store.root().string(), ec.message());

    std::mutex m;
    std::atomic<uint64_t> done{0}, bytes{0};
    MLCI_TRY(parallel_for(blobs.size(), jobs, [&](size_t i) -> Status {
        auto name = blobs[i].filename().string();
        auto fail = [&](std::string msg) {
            std::lock_guard lock(m);
            report.problems.push_back(std::move(msg));
        };
        if (is_temp_name(name)) {
            // Older versions wrote blobs through a temporary file here.
            fail(fmt::format("unfinished write '{}' in blobs/sha256 (`mlci gc` removes it)", name));
        } else if (!hash::is_sha256_hex(name)) {
            fail(fmt::format("stray file '{}' in blobs/sha256", name));
        } else if (auto h = hash::sha256_file(blobs[i]); !h) {
            fail(fmt::format("unreadable blob 'sha256:{}': {}", name, h.error().message));
        } else {
            bytes += h->size;
            if (h->digest.hex() != name)
                fail(fmt::format("corrupt blob 'sha256:{}': its content hashes to '{}'", name,
                                 h->digest.str()));
        }
        reporter.report({"verifying", ++done, blobs.size(), bytes.load(), 0});
        return {};
    }));
    report.blobs = blobs.size();
    report.bytes = bytes;

    // An index that cannot be read is the store failing to verify (exit 1),
    // not a usage error: nothing the user typed was wrong.
    auto entries = store.entries();
    if (!entries) {
        report.problems.push_back(entries.error().message);
    } else {
        std::vector<Descriptor> roots;
        for (auto& e : *entries)
            roots.push_back(e.descriptor);
        std::vector<hash::Digest> packs, chunk_lists;
        MLCI_TRY(walk(
            store, roots,
            [&](const Edge& e) {
                if (e.media_type == k_media_pack)
                    packs.push_back(e.digest);
                else if (e.media_type == k_media_chunk_list)
                    chunk_lists.push_back(e.digest);
            },
            [&](const Problem& p) { report.problems.push_back(p.message); }));
        MLCI_TRY(verify_chunks(store, packs, chunk_lists, jobs, report.problems));
    }
    std::sort(report.problems.begin(), report.problems.end());
    report.problems.erase(std::unique(report.problems.begin(), report.problems.end()),
                          report.problems.end());
    return report;
}

} // namespace mlci::store
