#include <cerrno>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/pack_writer.hpp>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace mlci::store {

namespace {

fs::path index_dir(const Store& store) {
    return store.root() / "mlci" / "chunks";
}

Result<std::string> pread_exactly(int fd, uint64_t offset, size_t size, const fs::path& what) {
    std::string out(size, '\0');
    MLCI_TRY(pread_all(fd, out.data(), size, offset, what));
    return out;
}

// The pack's index and trailer, as they end the pack blob.
Result<std::string> read_pack_tail(const Store& store, const hash::Digest& pack,
                                   uint64_t* pack_size) {
    auto path = store.blob_path(pack);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0)
        return sys_error(errno, fmt::format("cannot open pack '{}'", pack.str()));
    auto size = static_cast<uint64_t>(st.st_size);
    if (size < k_pack_trailer_size)
        return usage_error("malformed pack '{}': no pack trailer", pack.str());
    MLCI_TRY_ASSIGN(trailer,
                    pread_exactly(fd.get(), size - k_pack_trailer_size, k_pack_trailer_size, path));
    MLCI_TRY_ASSIGN(tail_size, pack_index_size(trailer, size, pack.str()));
    if (pack_size)
        *pack_size = size;
    return pread_exactly(fd.get(), size - tail_size, tail_size, path);
}

struct Location {
    uint32_t pack;
    uint32_t length;
    uint64_t offset;
};

// Records a pack's index (its tail, as it ends the pack) in the chunk index.
Status write_chunk_index(const Store& store, const hash::Digest& pack, std::string_view tail) {
    std::error_code ec;
    fs::create_directories(index_dir(store), ec);
    return write_file_atomic(index_dir(store) / pack.hex(), tail, /*durable=*/false);
}

// The pack being filled: its chunks go through the store's PackWriter, which
// hashes them as they are written, so that closing it needs no second read.
struct OpenPack {
    fs::path temp;
    uint64_t size = 0;
    std::vector<PackEntry> entries;
    uint32_t slot = 0;
};

// Moves a closed pack's file into the store under its digest.
Result<BlobRef> commit_pack(const Store& store, const fs::path& temp, const BlobRef& pack,
                            std::string_view tail) {
    auto target = store.blob_path(pack.digest);
    if (store.has_blob(pack.digest)) {
        store.freshen(pack.digest);
        ::unlink(temp.c_str());
    } else if (::rename(temp.c_str(), target.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        return sys_error(err, fmt::format("cannot move a pack into '{}'", target.string()));
    }
    MLCI_TRY(write_chunk_index(store, pack.digest, tail));
    return pack;
}

} // namespace

Result<std::vector<PackEntry>> read_pack_index(const Store& store, const hash::Digest& pack) {
    uint64_t size = 0;
    MLCI_TRY_ASSIGN(tail, read_pack_tail(store, pack, &size));
    return parse_pack_index(tail, size, pack.str());
}

Status index_pack(const Store& store, const hash::Digest& pack) {
    MLCI_TRY_ASSIGN(tail, read_pack_tail(store, pack, nullptr));
    return write_chunk_index(store, pack, tail);
}

Result<size_t> rebuild_chunk_index(const Store& store) {
    size_t packs = 0;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(store.root() / "blobs" / "sha256", ec)) {
        auto d = hash::Digest::parse("sha256:" + e.path().filename().string());
        if (!d || e.file_size(ec) < k_pack_trailer_size)
            continue;
        UniqueFd fd(::open(e.path().c_str(), O_RDONLY | O_CLOEXEC));
        char trailer[k_pack_trailer_size];
        auto size = e.file_size(ec);
        if (!fd ||
            ::pread(fd.get(), trailer, sizeof trailer, static_cast<off_t>(size - sizeof trailer)) !=
                sizeof trailer ||
            !std::string_view(trailer, sizeof trailer).ends_with("MLCIPACK"))
            continue;
        MLCI_TRY(index_pack(store, *d));
        ++packs;
    }
    return packs;
}

struct ChunkStore::Impl {
    const Store* store = nullptr;
    std::mutex mutex;
    std::unordered_map<hash::RawDigest, Location> chunks;
    std::vector<BlobRef> packs;        // by slot
    std::vector<bool> freshened;       // by slot: an existing pack's mtime renewed
    std::optional<OpenPack> open_pack; // where new chunks go
    // Packs closed and still being written: their slot, and their name once
    // the writer has moved them into the store (copied to `packs` by finish).
    std::vector<std::pair<uint32_t, std::shared_ptr<BlobRef>>> closing;
    hash::StreamHasher hasher;
    PackWriter writer{hasher}; // last: destroyed first, so it finishes the closed packs

    ~Impl() {
        // A pack no manifest names yet is gc's to remove; one still open
        // was never renamed into the store.
        if (open_pack)
            ::unlink(open_pack->temp.c_str());
    }

    Status open_new_pack() {
        OpenPack p;
        p.temp = temp_path_for(store->temp_dir() / "pack");
        MLCI_TRY(writer.open(p.temp));
        p.slot = static_cast<uint32_t>(packs.size());
        packs.push_back({});
        freshened.push_back(true);
        open_pack = std::move(p);
        return {};
    }

    // Ends the open pack with its index; the writer finishes it meanwhile.
    Status close_pack() {
        if (!open_pack)
            return {};
        auto p = std::move(*open_pack);
        open_pack.reset();
        auto tail = serialize_pack_index(p.entries);
        auto appended =
            writer.append(std::span(reinterpret_cast<const uint8_t*>(tail.data()), tail.size()));
        if (!appended) {
            ::unlink(p.temp.c_str());
            return appended;
        }
        auto named = std::make_shared<BlobRef>();
        closing.emplace_back(p.slot, named);
        const uint64_t size = p.size + tail.size();
        return writer.close([&store = *store, temp = std::move(p.temp), size, named,
                             tail = std::move(tail)](const hash::Digest& digest) -> Status {
            MLCI_TRY_ASSIGN(ref, commit_pack(store, temp, {digest, size}, tail));
            *named = ref;
            return {};
        });
    }
};

ChunkStore::ChunkStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ChunkStore::~ChunkStore() = default;

Status for_each_indexed_pack(const Store& store, const IndexedPackVisitor& visit) {
    std::error_code ec;
    // A store whose index is lost (or made before chunks) finds its packs by
    // their trailers, once.
    if (!fs::exists(index_dir(store), ec)) {
        MLCI_TRY(rebuild_chunk_index(store));
        fs::create_directories(index_dir(store), ec);
    }
    for (auto& e : fs::directory_iterator(index_dir(store), ec)) {
        auto pack = hash::Digest::parse("sha256:" + e.path().filename().string());
        if (!pack)
            continue; // a temporary file of an index being written
        struct stat st {};
        if (::stat(store.blob_path(*pack).c_str(), &st) != 0) {
            fs::remove(e.path(), ec); // its pack is gone (gc): nothing to find there
            continue;
        }
        auto tail = read_file(e.path());
        if (!tail)
            continue;
        auto entries = parse_pack_index(*tail, static_cast<uint64_t>(st.st_size), pack->str());
        if (!entries)
            continue; // a cache: a bad entry costs deduplication only
        visit(*pack, static_cast<uint64_t>(st.st_size), *entries);
    }
    return {};
}

Result<std::unique_ptr<ChunkStore>> ChunkStore::open(const Store& store,
                                                     const std::unordered_set<hash::Digest>& skip) {
    auto impl = std::make_unique<Impl>();
    impl->store = &store;
    MLCI_TRY(for_each_indexed_pack(
        store, [&](const hash::Digest& pack, uint64_t size, const std::vector<PackEntry>& entries) {
            if (skip.contains(pack))
                return;
            auto slot = static_cast<uint32_t>(impl->packs.size());
            impl->packs.push_back({pack, size});
            for (auto& c : entries)
                impl->chunks.try_emplace(c.id, Location{slot, c.length, c.offset});
        }));
    impl->freshened.assign(impl->packs.size(), false);
    return std::unique_ptr<ChunkStore>(new ChunkStore(std::move(impl)));
}

Result<ChunkStore::Placed> ChunkStore::put(const hash::RawDigest& id,
                                           std::span<const uint8_t> bytes) {
    auto& s = *m_impl;
    std::lock_guard lock(s.mutex);
    if (auto it = s.chunks.find(id); it != s.chunks.end()) {
        auto& at = it->second;
        if (!s.freshened[at.pack]) {
            // gc's grace period must cover the pack until a manifest names it.
            s.store->freshen(s.packs[at.pack].digest);
            s.freshened[at.pack] = true;
        }
        return Placed{at.pack, at.offset, at.length, false};
    }
    if (!s.open_pack)
        MLCI_TRY(s.open_new_pack());
    auto& p = *s.open_pack;
    auto length = static_cast<uint32_t>(bytes.size());
    MLCI_TRY(s.writer.append(bytes));
    Placed placed{p.slot, p.size, length, true};
    p.entries.push_back({id, p.size, length});
    s.chunks.emplace(id, Location{p.slot, length, p.size});
    p.size += length;
    if (p.size >= k_pack_target_size)
        MLCI_TRY(s.close_pack());
    return placed;
}

Status ChunkStore::finish() {
    auto& s = *m_impl;
    std::lock_guard lock(s.mutex);
    MLCI_TRY(s.close_pack());
    MLCI_TRY(s.writer.wait());
    for (auto& [slot, named] : s.closing)
        s.packs[slot] = *named;
    s.closing.clear();
    return {};
}

hash::StreamHasher& ChunkStore::hasher() {
    return m_impl->hasher;
}

void ChunkStore::hash_pending() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->writer.hash_appended();
}

const BlobRef& ChunkStore::pack(uint32_t slot) const {
    return m_impl->packs[slot];
}

} // namespace mlci::store
