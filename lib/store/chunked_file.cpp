#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <map>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/chunker.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/hash/sha256_lanes.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <mutex>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace mlci::store {

namespace {

fs::path recipe_path(const Store& store, const hash::Digest& digest) {
    return store.root() / "mlci" / "chunks" / "files" / digest.hex();
}

Result<size_t> read_some(int fd, uint8_t* buf, size_t cap, const fs::path& what) {
    for (;;) {
        ssize_t n = ::read(fd, buf, cap);
        if (n >= 0)
            return static_cast<size_t>(n);
        if (errno != EINTR)
            return sys_error(errno, fmt::format("cannot read '{}'", what.string()));
    }
}

Status read_blob_into(const Store& store, const FileEntry& entry, int from, hash::Sha256& sha,
                      uint64_t& size, const ContentSink* sink) {
    constexpr size_t k_buffer = 1 << 20;
    thread_local auto buf = std::make_unique_for_overwrite<uint8_t[]>(k_buffer);
    for (;;) {
        MLCI_TRY_ASSIGN(n, read_some(from, buf.get(), k_buffer, store.blob_path(entry.digest)));
        if (n == 0)
            return {};
        sha.update(buf.get(), n);
        size += n;
        if (sink)
            MLCI_TRY((*sink)(buf.get(), n));
    }
}

Result<UniqueFd> open_blob(const Store& store, const FileEntry& entry, const fs::path& what) {
    UniqueFd src(::open(store.blob_path(entry.digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!src)
        return sys_error(errno, fmt::format("cannot open the blob of '{}' ({})", what.string(),
                                            entry.digest.str()));
    ::posix_fadvise(src.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    return src;
}

Status copy_chunks(const Store& store, const FileEntry& entry, const ContentSink& sink,
                   hash::Sha256& sha, uint64_t& size, const fs::path& what) {
    std::map<hash::Digest, UniqueFd> packs;
    std::vector<uint8_t> buf;
    ChunkLocator locator(store);
    for (auto& ref : entry.chunk_lists) {
        MLCI_TRY_ASSIGN(text, store.read_blob(ref.digest));
        MLCI_TRY_ASSIGN(list, parse_chunk_list(text, ref.digest.str()));
        for (auto& c : list.chunks) {
            auto at = locator.locate(list.packs[c.pack].digest, c);
            if (!at)
                return runtime_error("chunk {} of '{}' is not in the store: its pack '{}' is "
                                     "missing (run 'mlci verify')",
                                     c.id.hex().substr(0, 12), what.string(),
                                     list.packs[c.pack].digest.str());
            auto& pack = at->pack;
            auto it = packs.find(pack);
            if (it == packs.end()) {
                UniqueFd fd(::open(store.blob_path(pack).c_str(), O_RDONLY | O_CLOEXEC));
                if (!fd)
                    return sys_error(errno, fmt::format("cannot open pack '{}' of '{}'", pack.str(),
                                                        what.string()));
                it = packs.emplace(pack, std::move(fd)).first;
            }
            buf.resize(c.length);
            MLCI_TRY(pread_all(it->second.get(), buf.data(), c.length, at->offset,
                               store.blob_path(pack)));
            sha.update(buf.data(), c.length);
            size += c.length;
            MLCI_TRY(sink(buf.data(), c.length));
        }
    }
    return {};
}

std::string serialize_recipe(const std::vector<BlobRef>& lists) {
    std::string out;
    for (auto& l : lists)
        out += fmt::format("{} {}\n", l.digest.str(), l.size);
    return out;
}

// Reads until `size` bytes are in `buf` or the file ends; returns how many.
Result<size_t> read_stretch(int fd, uint8_t* buf, size_t size, const fs::path& what) {
    size_t done = 0;
    while (done < size) {
        MLCI_TRY_ASSIGN(n, read_some(fd, buf + done, size - done, what));
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

// chunk_file on two cores. The file is read in stretches into a ring of
// buffers. For each stretch the main thread finds the cuts (FastCDC,
// lib/hash/chunker), then the helper thread hashes the whole file's new
// bytes while the main thread reads and cuts the next stretch; both then take
// the stretch's chunks to hash from one counter, and the main thread appends
// the new ones to the open pack (hashed as it is written). The three sha256
// passes (file, chunks, packs) and the cut search are thus shared between two
// cores, each byte is copied once from the page cache and once into a pack,
// and memory stays at the ring's size whatever the file's.
struct ChunkCut {
    size_t offset = 0;
    size_t length = 0;
};

// One stretch of the file in a buffer: `carried` bytes of an unfinished
// chunk copied from the stretch before, then the bytes read for it.
struct ChunkStretch {
    std::unique_ptr<uint8_t[]> bytes;
    size_t carried = 0;
    size_t have = 0;
    bool at_end = false;
    std::vector<ChunkCut> cuts;
    std::vector<hash::RawDigest> ids;
    std::atomic<size_t> next_to_hash{0};
    std::atomic<size_t> hashed{0};
};

constexpr size_t k_chunk_ring = 3;

class ChunkPipeline {
public:
    explicit ChunkPipeline(size_t read_size) : m_read_size(read_size) {
        for (auto& s : m_ring)
            s.bytes = std::make_unique_for_overwrite<uint8_t[]>(read_size + m_sizes.max);
        m_helper = std::thread([this] { run_helper(); });
    }
    ~ChunkPipeline() { stop(); }

    Result<ChunkedContent> run(ChunkStore& chunks, int fd, const fs::path& what,
                               const std::function<void(uint64_t)>& on_bytes) {
        ChunkedContent out;
        MLCI_TRY(fill(0, nullptr, fd, what));
        for (size_t k = 0;; ++k) {
            auto& s = stretch(k);
            if (!s.at_end)
                MLCI_TRY(fill(k + 1, &s, fd, what));
            hash_chunks(s);
            wait_until([&] { return s.hashed.load() == s.cuts.size(); });
            uint64_t consumed = 0;
            for (size_t i = 0; i < s.cuts.size(); ++i) {
                auto [at, len] = s.cuts[i];
                MLCI_TRY_ASSIGN(placed, chunks.put(s.ids[i], std::span<const uint8_t>(
                                                                 s.bytes.get() + at, len)));
                if (placed.added)
                    out.new_bytes += len;
                out.chunks.push_back({s.ids[i], placed});
                consumed += len;
            }
            out.size += consumed;
            if (on_bytes && consumed > 0)
                on_bytes(consumed);
            if (s.at_end)
                break;
        }
        out.digest = finish_whole();
        return out;
    }

private:
    ChunkStretch& stretch(size_t k) { return m_ring[k % k_chunk_ring]; }

    template <class Ready>
    void wait_until(Ready ready) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, ready);
    }

    void notify() {
        { std::lock_guard lock(m_mutex); }
        m_changed.notify_all();
    }

    // Reads stretch `k` (after `before`'s unfinished chunk), cuts it and
    // hands it to the helper.
    Status fill(size_t k, ChunkStretch* before, int fd, const fs::path& what) {
        // The helper must be done with the buffer's last stretch (k - k_chunk_ring).
        wait_until([&] { return m_released + k_chunk_ring > k; });
        auto& s = stretch(k);
        s.carried = 0;
        if (before) {
            size_t cut_end =
                before->cuts.empty() ? 0 : before->cuts.back().offset + before->cuts.back().length;
            s.carried = before->have - cut_end;
            std::memcpy(s.bytes.get(), before->bytes.get() + cut_end, s.carried);
        }
        MLCI_TRY_ASSIGN(n, read_stretch(fd, s.bytes.get() + s.carried, m_read_size, what));
        s.have = s.carried + n;
        s.at_end = n < m_read_size;
        s.cuts.clear();
        // A cut needs sizes.max bytes ahead of it, or the end of the file.
        for (size_t pos = 0; pos < s.have && (s.at_end || s.have - pos >= m_sizes.max);) {
            size_t len = hash::next_chunk(
                std::span<const uint8_t>(s.bytes.get() + pos, s.have - pos), s.at_end, m_sizes);
            s.cuts.push_back({pos, len});
            pos += len;
        }
        s.ids.resize(s.cuts.size());
        s.next_to_hash = 0;
        s.hashed = 0;
        {
            std::lock_guard lock(m_mutex);
            m_published = k + 1;
        }
        m_changed.notify_all();
        return {};
    }

    // Hashes chunks of `s` until none is left to take, several at a time
    // (hash/sha256_lanes.hpp).
    void hash_chunks(ChunkStretch& s) {
        const size_t total = s.cuts.size();
        hash::sha256_each({[&](std::span<const uint8_t>& chunk, size_t& i) {
                               i = s.next_to_hash++;
                               if (i >= total)
                                   return false;
                               chunk = {s.bytes.get() + s.cuts[i].offset, s.cuts[i].length};
                               return true;
                           },
                           [&](size_t i, const hash::RawDigest& id) {
                               s.ids[i] = id;
                               if (++s.hashed == total)
                                   notify();
                           }});
    }

    void run_helper() {
        for (size_t k = 0;; ++k) {
            bool go = false;
            wait_until([&] {
                go = m_published > k;
                return go || m_stopping;
            });
            if (!go)
                return;
            auto& s = stretch(k);
            m_whole.update(s.bytes.get() + s.carried, s.have - s.carried);
            hash_chunks(s);
            // Read before the release: once released, the main thread may
            // refill this buffer with a later stretch, and that one's at_end
            // would end the helper with stretches unhashed (a wrong digest
            // for the whole file, seen once in 30 runs on a loaded machine).
            const bool last = s.at_end;
            // Only now may the main thread refill this stretch's buffer.
            {
                std::lock_guard lock(m_mutex);
                m_released = k + 1;
            }
            m_changed.notify_all();
            if (last)
                return;
        }
    }

    hash::Digest finish_whole() {
        m_helper.join();
        return m_whole.finish();
    }

    // Ends the helper early (an error) or waits for it.
    void stop() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        if (m_helper.joinable())
            m_helper.join();
    }

    const hash::ChunkSizes m_sizes;
    const size_t m_read_size;
    ChunkStretch m_ring[k_chunk_ring];
    hash::Sha256 m_whole;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_published = 0; // stretches cut and handed to the helper
    size_t m_released = 0;  // stretches the helper is done with
    bool m_stopping = false;
    std::thread m_helper;
};

} // namespace

Result<ChunkedContent> chunk_file(ChunkStore& chunks, int fd, const fs::path& what,
                                  const std::function<void(uint64_t)>& on_bytes, size_t read_size) {
    ChunkPipeline pipeline(std::max(read_size, hash::ChunkSizes{}.max));
    return pipeline.run(chunks, fd, what, on_bytes);
}

Result<std::vector<BlobRef>> put_chunk_lists(const Store& store, const ChunkStore& chunks,
                                             const ChunkedContent& content) {
    std::vector<BlobRef> lists;
    ChunkList list;
    std::map<uint32_t, uint32_t> pack_index; // slot -> index in list.packs
    auto flush = [&]() -> Status {
        if (list.chunks.empty())
            return {};
        auto text = serialize_chunk_list(list);
        MLCI_TRY_ASSIGN(writer, store.begin_blob());
        MLCI_TRY(writer.write(text.data(), text.size()));
        MLCI_TRY_ASSIGN(desc, writer.commit(k_media_chunk_list));
        lists.push_back({desc.digest, desc.size});
        list = {};
        pack_index.clear();
        return {};
    };
    for (auto& c : content.chunks) {
        auto [it, added] =
            pack_index.try_emplace(c.at.pack, static_cast<uint32_t>(list.packs.size()));
        if (added)
            list.packs.push_back(chunks.pack(c.at.pack));
        list.chunks.push_back({c.id, it->second, c.at.offset, c.at.length});
        if (ends_chunk_list(c.id, list.chunks.size()))
            MLCI_TRY(flush());
    }
    MLCI_TRY(flush());
    // Where this content can be found again by its digest (a cache, like
    // the chunk index: losing it costs only that lookup).
    auto recipe = recipe_path(store, content.digest);
    std::error_code ec;
    fs::create_directories(recipe.parent_path(), ec);
    MLCI_TRY(write_file_atomic(recipe, serialize_recipe(lists), /*durable=*/false));
    return lists;
}

namespace {

Status check_content(const FileEntry& entry, hash::Sha256& sha, uint64_t size,
                     const fs::path& what) {
    auto digest = sha.finish();
    if (digest != entry.digest || size != entry.size)
        return runtime_error("the stored content of '{}' is corrupt: it hashes to '{}' ({} "
                             "bytes), not '{}' (run 'mlci verify')",
                             what.string(), digest.str(), size, entry.digest.str());
    return {};
}

} // namespace

Status stream_content(const Store& store, const FileEntry& entry, const ContentSink& sink,
                      const fs::path& what) {
    hash::Sha256 sha;
    uint64_t size = 0;
    if (entry.chunked()) {
        MLCI_TRY(copy_chunks(store, entry, sink, sha, size, what));
    } else {
        MLCI_TRY_ASSIGN(src, open_blob(store, entry, what));
        MLCI_TRY(read_blob_into(store, entry, src.get(), sha, size, &sink));
    }
    return check_content(entry, sha, size, what);
}

Status write_content(const Store& store, const FileEntry& entry, int out, const fs::path& what) {
    ContentSink to_out = [&](const void* data, size_t n) {
        return write_all(out, std::string_view(static_cast<const char*>(data), n), what);
    };
    if (entry.chunked())
        return stream_content(store, entry, to_out, what);
    // A reflink shares the blob's extents copy-on-write where the file
    // system allows; the clone is then read back to check it (only into a
    // file open for reading too).
    MLCI_TRY_ASSIGN(src, open_blob(store, entry, what));
    if ((::fcntl(out, F_GETFL) & O_ACCMODE) == O_RDWR && ::ioctl(out, FICLONE, src.get()) == 0) {
        hash::Sha256 sha;
        uint64_t size = 0;
        MLCI_TRY(read_blob_into(store, entry, out, sha, size, nullptr));
        return check_content(entry, sha, size, what);
    }
    hash::Sha256 sha;
    uint64_t size = 0;
    MLCI_TRY(read_blob_into(store, entry, src.get(), sha, size, &to_out));
    return check_content(entry, sha, size, what);
}

ReadableFile::~ReadableFile() {
    if (m_temporary)
        ::unlink(m_path.c_str());
}

Result<ReadableFile> readable_file(const Store& store, const FileEntry& entry) {
    if (!entry.chunked())
        return ReadableFile(store.blob_path(entry.digest), false);
    ReadableFile file(temp_path_for(store.temp_dir() / "file"), true);
    UniqueFd out(::open(file.path().c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        return sys_error(errno, fmt::format("cannot create '{}'", file.path().string()));
    MLCI_TRY(write_content(store, entry, out.get(), entry.path));
    if (::close(out.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", file.path().string()));
    return file;
}

bool has_content(const Store& store, const FileEntry& entry) {
    if (!entry.chunked())
        return store.has_blob(entry.digest);
    ChunkLocator locator(store);
    return has_content(store, entry, locator);
}

bool has_content(const Store& store, const FileEntry& entry, ChunkLocator& locator) {
    if (!entry.chunked())
        return store.has_blob(entry.digest);
    for (auto& ref : entry.chunk_lists) {
        auto text = store.read_blob(ref.digest);
        if (!text)
            return false;
        auto list = parse_chunk_list(*text, ref.digest.str());
        if (!list)
            return false;
        for (auto& c : list->chunks)
            if (!locator.locate(list->packs[c.pack].digest, c))
                return false;
    }
    return true;
}

std::optional<std::vector<BlobRef>> chunked_content(const Store& store,
                                                    const hash::Digest& digest) {
    auto text = read_file(recipe_path(store, digest));
    if (!text)
        return std::nullopt;
    std::vector<BlobRef> lists;
    size_t start = 0;
    while (start < text->size()) {
        auto end = text->find('\n', start);
        if (end == std::string::npos)
            return std::nullopt;
        std::string_view line(text->data() + start, end - start);
        auto space = line.find(' ');
        if (space == std::string_view::npos)
            return std::nullopt;
        auto d = hash::Digest::parse(line.substr(0, space));
        uint64_t size = 0;
        auto sz = line.substr(space + 1);
        if (!d || std::from_chars(sz.data(), sz.data() + sz.size(), size).ec != std::errc())
            return std::nullopt;
        lists.push_back({*d, size});
        start = end + 1;
    }
    if (lists.empty())
        return std::nullopt;
    return lists;
}

bool has_content(const Store& store, const hash::Digest& digest) {
    if (store.has_blob(digest))
        return true;
    auto lists = chunked_content(store, digest);
    if (!lists)
        return false;
    FileEntry entry;
    entry.digest = digest;
    entry.chunk_lists = std::move(*lists);
    return has_content(store, entry);
}

} // namespace mlci::store
