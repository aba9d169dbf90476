#include <array>
#include <condition_variable>
#include <fcntl.h>
#include <map>
#include <mlci/core/bulk_buffer.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mlci/store/chunk_copy.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mutex>

namespace mlci::store {

namespace {

// The longest stretch of a pack read at once: a few milliseconds of disk,
// and few enough syscalls (a 1 GiB file of 64 KiB chunks is 16,000 chunks
// but some 130 stretches).
constexpr uint64_t k_stretch_max = 8u << 20;

// Chunks that lie end to end in one pack.
struct Stretch {
    int fd = -1;
    fs::path pack;
    uint64_t offset = 0;
    uint64_t length = 0;
};

// Two buffers taking turns: one is filled and written while the hasher's
// thread still hashes the other. Declared before the hasher, so that the
// hasher (whose destructor hashes what it was given) ends first.
class TwoBuffers {
public:
    TwoBuffers() : m_bufs{bulk_buffer(k_stretch_max), bulk_buffer(k_stretch_max)} {}

    // The next buffer, once the hasher is done with it.
    uint8_t* take(size_t& slot) {
        slot = m_turn++ % 2;
        std::unique_lock lock(m_mutex);
        m_freed.wait(lock, [&] { return !m_busy[slot]; });
        m_busy[slot] = true;
        return m_bufs[slot].get();
    }
    void give_back(size_t slot) {
        {
            std::lock_guard lock(m_mutex);
            m_busy[slot] = false;
        }
        m_freed.notify_all();
    }

private:
    std::array<BulkBuffer, 2> m_bufs;
    std::array<bool, 2> m_busy{};
    size_t m_turn = 0;
    std::mutex m_mutex;
    std::condition_variable m_freed;
};

class ChunkCopier {
public:
    ChunkCopier(const Store& store, const ContentSink& sink, const fs::path& what)
        : m_store(store), m_sink(sink), m_what(what), m_locator(store), m_whole(m_hasher.open()) {}

    Status copy(const FileEntry& entry) {
        for (auto& ref : entry.chunk_lists) {
            MLCI_TRY_ASSIGN(text, m_store.read_blob(ref.digest));
            MLCI_TRY_ASSIGN(list, parse_chunk_list(text, ref.digest.str()));
            for (auto& c : list.chunks)
                MLCI_TRY(add(list.packs[c.pack].digest, c));
        }
        return flush();
    }

    Result<CopiedContent> finish() {
        std::mutex mutex;
        std::condition_variable done;
        std::optional<hash::Digest> digest;
        m_hasher.finish(m_whole, [&](const hash::Digest& d) {
            std::lock_guard lock(mutex);
            digest = d;
            done.notify_all();
        });
        std::unique_lock lock(mutex);
        done.wait(lock, [&] { return digest.has_value(); });
        return CopiedContent{*digest, m_size};
    }

private:
    Status add(const hash::Digest& home, const ChunkRecord& c) {
        auto at = m_locator.locate(home, c);
        if (!at)
            return runtime_error("chunk {} of '{}' is not in the store: its pack '{}' is "
                                 "missing (run 'mlci verify')",
                                 c.id.hex().substr(0, 12), m_what.string(), home.str());
        MLCI_TRY_ASSIGN(fd, pack_fd(at->pack));
        bool follows = fd == m_next.fd && at->offset == m_next.offset + m_next.length;
        if (!follows || m_next.length + c.length > k_stretch_max)
            MLCI_TRY(flush());
        if (m_next.length == 0)
            m_next = {fd, m_store.blob_path(at->pack), at->offset, 0};
        m_next.length += c.length;
        return {};
    }

    // Reads the stretch gathered so far, hands it to the hasher and the sink.
    Status flush() {
        if (m_next.length == 0)
            return {};
        size_t slot = 0;
        uint8_t* buf = m_buffers.take(slot);
        auto read = pread_all(m_next.fd, buf, m_next.length, m_next.offset, m_next.pack);
        if (!read) {
            m_buffers.give_back(slot);
            return read;
        }
        m_hasher.update(m_whole, {buf, m_next.length}, [this, slot] { m_buffers.give_back(slot); });
        m_size += m_next.length;
        auto length = m_next.length;
        m_next = {};
        return m_sink(buf, length);
    }

    Result<int> pack_fd(const hash::Digest& pack) {
        auto it = m_packs.find(pack);
        if (it != m_packs.end())
            return it->second.get();
        UniqueFd fd(::open(m_store.blob_path(pack).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return sys_error(
                errno, fmt::format("cannot open pack '{}' of '{}'", pack.str(), m_what.string()));
        ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
        return m_packs.emplace(pack, std::move(fd)).first->second.get();
    }

    const Store& m_store;
    const ContentSink& m_sink;
    const fs::path& m_what;
    ChunkLocator m_locator;
    std::map<hash::Digest, UniqueFd> m_packs;
    Stretch m_next;
    uint64_t m_size = 0;
    TwoBuffers m_buffers;
    hash::StreamHasher m_hasher; // after the buffers: see TwoBuffers
    std::shared_ptr<hash::StreamHasher::Stream> m_whole;
};

} // namespace

Result<CopiedContent> copy_chunks(const Store& store, const FileEntry& entry,
                                  const ContentSink& sink, const fs::path& what) {
    ChunkCopier copier(store, sink, what);
    MLCI_TRY(copier.copy(entry));
    return copier.finish();
}

} // namespace mlci::store
