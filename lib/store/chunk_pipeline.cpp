#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mlci/core/bulk_buffer.hpp>
#include <mlci/hash/chunker.hpp>
#include <mlci/hash/sha256_lanes.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace mlci::store {

namespace {

// Reads until `size` bytes are in `buf` or the file ends; returns how many.
Result<size_t> read_stretch(int fd, uint8_t* buf, size_t size, const fs::path& what) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read '{}'", what.string()));
        if (n == 0)
            break;
        done += static_cast<size_t>(n);
    }
    return done;
}

// chunk_file on two cores. The file is read in stretches into a ring of
// buffers. The main thread reads each stretch, finds its cuts (FastCDC,
// lib/hash/chunker) and hands its new bytes to the chunk store's hasher for
// the whole file's digest; then the main thread and a helper take the
// stretch's chunks to hash, three at a time, from one counter
// (hash/sha256_lanes), and the main thread gives the new ones to the open
// pack, whose hashing and writing run on threads of their own
// (store/pack_writer). The hasher hashes the file beside the packs, two
// streams at once (hash/stream_hasher). Each byte is copied once from the
// page cache and once into a pack's buffer, and memory stays at the ring's
// size whatever the file's.
struct ChunkCut {
    size_t offset = 0;
    size_t length = 0;
};

// One stretch of the file in a buffer: `carried` bytes of an unfinished
// chunk copied from the stretch before, then the bytes read for it.
struct ChunkStretch {
    BulkBuffer bytes;
    size_t carried = 0;
    size_t have = 0;
    bool at_end = false;
    std::vector<ChunkCut> cuts;
    std::vector<hash::RawDigest> ids;
    std::atomic<size_t> next_to_hash{0};
    std::atomic<size_t> hashed{0};
};

// Four stretches: one being read and cut, one whose chunks are hashed and
// stored, and two whose bytes may still wait for the whole file's hasher.
constexpr size_t k_chunk_ring = 4;

class ChunkPipeline {
public:
    ChunkPipeline(size_t read_size, hash::StreamHasher& hasher)
        : m_read_size(read_size), m_hasher(hasher), m_whole(hasher.open()) {
        for (auto& s : m_ring)
            s.bytes = bulk_buffer(read_size + m_sizes.max);
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
            // The packs' new bytes and the file's go to the hasher together.
            chunks.hash_pending();
            hash_whole(k);
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
        // The buffer's last stretch (k - k_chunk_ring) must be done with:
        // its chunks hashed by the helper, its bytes by the hasher.
        wait_until(
            [&] { return m_released + k_chunk_ring > k && m_whole_hashed + k_chunk_ring > k; });
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

    // Hands the bytes read for stretch `k` to the whole file's hasher, right
    // after its new chunks' bytes went there for the packs: the hasher then
    // has the two at the same time, to hash side by side. It calls back on
    // its thread once it is done with them.
    void hash_whole(size_t k) {
        auto& s = stretch(k);
        {
            std::lock_guard lock(m_mutex);
            ++m_whole_pending;
        }
        m_hasher.update(m_whole,
                        std::span<const uint8_t>(s.bytes.get() + s.carried, s.have - s.carried),
                        [this, k] {
                            // Notified under the lock: once it is released,
                            // the pipeline may end, and nothing here is
                            // touched after that.
                            std::lock_guard lock(m_mutex);
                            m_whole_hashed = k + 1;
                            --m_whole_pending;
                            m_changed.notify_all();
                        });
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
            hash_chunks(s);
            // Read before the release: once released, the main thread may
            // refill this buffer with a later stretch, and that one's at_end
            // would end the helper with stretches unhashed.
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
        std::optional<hash::Digest> digest;
        m_hasher.finish(m_whole, [&](const hash::Digest& d) {
            std::lock_guard lock(m_mutex);
            digest = d;
            m_changed.notify_all();
        });
        wait_until([&] { return digest.has_value(); });
        m_helper.join();
        return *digest;
    }

    // Ends the helper early (an error) or waits for it, and waits until the
    // hasher is done with the ring's bytes.
    void stop() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        if (m_helper.joinable())
            m_helper.join();
        wait_until([&] { return m_whole_pending == 0; });
    }

    const hash::ChunkSizes m_sizes;
    const size_t m_read_size;
    ChunkStretch m_ring[k_chunk_ring];
    hash::StreamHasher& m_hasher;
    std::shared_ptr<hash::StreamHasher::Stream> m_whole;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_published = 0;     // stretches cut and handed to the helper
    size_t m_released = 0;      // stretches the helper is done with
    size_t m_whole_hashed = 0;  // stretches the hasher is done with
    size_t m_whole_pending = 0; // stretches handed to the hasher and not yet hashed
    bool m_stopping = false;
    std::thread m_helper;
};

} // namespace

Result<ChunkedContent> chunk_file(ChunkStore& chunks, int fd, const fs::path& what,
                                  const std::function<void(uint64_t)>& on_bytes, size_t read_size) {
    ChunkPipeline pipeline(std::max(read_size, hash::ChunkSizes{}.max), chunks.hasher());
    return pipeline.run(chunks, fd, what, on_bytes);
}

} // namespace mlci::store
