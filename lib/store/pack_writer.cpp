#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mlci/core/bulk_buffer.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mlci/store/pack_writer.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace mlci::store {

namespace {

// O_DIRECT wants the memory (a bulk buffer: 2 MiB), the file offset and the
// length aligned to the device's logical block; 4 KiB is that or a multiple
// of it on the devices in use (a device that wants more refuses, and the
// writes fall back).
constexpr size_t k_direct_align = 4096;
// Large enough that a write's fixed cost is small and the disk gets long
// runs; four, so that a pack being finished and the next one's first bytes
// are in flight together while the caller fills another.
constexpr size_t k_pack_buffer = 4u << 20;
constexpr size_t k_pack_buffers = 4;

// One pack's file, shared by the buffers that hold its bytes. The writer
// thread alone touches `fd`, `direct` and `failed` once the pack is open.
struct PackFile {
    std::filesystem::path path;
    UniqueFd fd;
    bool direct = false;
    bool failed = false;
    std::shared_ptr<hash::StreamHasher::Stream> sha;
    std::optional<hash::Digest> digest; // set once hashed, under the mutex
    PackWriter::Closed on_closed;       // set before the pack's last bytes are queued
};

// A full buffer (or a pack's last bytes) on its way to be written at
// `offset` of its pack's file (the hasher hashes it meanwhile).
struct PackWork {
    size_t buffer = 0;
    size_t size = 0;
    uint64_t offset = 0;
    std::shared_ptr<PackFile> pack;
    bool last = false; // finish the pack after these bytes
};

void stop_direct(PackFile& pack) {
    int flags = ::fcntl(pack.fd.get(), F_GETFL);
    if (flags >= 0)
        (void)::fcntl(pack.fd.get(), F_SETFL, flags & ~O_DIRECT);
    pack.direct = false;
}

Status write_at(PackFile& pack, const uint8_t* data, size_t size, uint64_t offset) {
    const uint64_t start = offset;
    while (size > 0) {
        // Direct writes take whole blocks: only a pack's last bytes are not,
        // and they go through the page cache.
        size_t take = pack.direct ? size / k_direct_align * k_direct_align : size;
        if (take == 0) {
            stop_direct(pack);
            continue;
        }
        ssize_t n = ::pwrite(pack.fd.get(), data, take, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EINVAL && pack.direct) { // an alignment the device refuses
            stop_direct(pack);
            continue;
        }
        if (n < 0)
            return sys_error(errno, fmt::format("cannot write '{}'", pack.path.string()));
        data += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
    if (!pack.direct) // so that the store's sync finds little left to wait for
        ::sync_file_range(pack.fd.get(), static_cast<off64_t>(start),
                          static_cast<off64_t>(offset - start), SYNC_FILE_RANGE_WRITE);
    return {};
}

} // namespace

// What a buffer holds and what is left to do with it before it can be
// filled again: its bytes handed to the hasher and hashed, and written.
struct PackBuffer {
    std::shared_ptr<PackFile> pack;
    size_t size = 0;   // bytes in it so far
    size_t handed = 0; // of them, handed to the hasher
    int hashing = 0;   // pieces handed and not yet hashed
    bool writing = false;
};

struct PackWriter::Impl {
    hash::StreamHasher& hasher;
    std::mutex mutex;
    std::condition_variable changed;
    BulkBuffer buffers[k_pack_buffers];
    PackBuffer uses[k_pack_buffers];
    size_t current = 0;             // the buffer being filled
    bool taken = false;             // the current buffer holds the open pack's bytes
    uint64_t taken_count = 0;       // buffers given to packs so far, in ring order
    uint64_t handed_count = 0;      // of them, those all of whose bytes went to the hasher
    std::shared_ptr<PackFile> open; // the pack being appended to
    uint64_t offset = 0;            // of the current buffer in its file
    std::deque<PackWork> to_write;
    size_t unfinished = 0; // closed packs not yet finished
    std::optional<Error> error;
    bool stopping = false;
    std::thread writer;

    explicit Impl(hash::StreamHasher& h) : hasher(h) {}

    ~Impl() {
        std::unique_lock lock(mutex);
        // The hasher calls back into this object: wait for it, and for the
        // writer to finish the packs closed.
        changed.wait(lock, [&] {
            return unfinished == 0 &&
                   std::all_of(std::begin(uses), std::end(uses),
                               [](const PackBuffer& u) { return u.hashing == 0 && !u.writing; });
        });
        stopping = true;
        lock.unlock();
        changed.notify_all();
        if (writer.joinable())
            writer.join();
    }

    void start() {
        for (auto& b : buffers)
            b = bulk_buffer(k_pack_buffer);
        writer = std::thread([this] { run_writer(); });
    }

    std::optional<PackWork> next_write() {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !to_write.empty() || stopping; });
        if (to_write.empty())
            return std::nullopt;
        auto work = std::move(to_write.front());
        to_write.pop_front();
        return work;
    }

    void written(size_t buffer, const Status& status, bool finished) {
        {
            std::lock_guard lock(mutex);
            uses[buffer].writing = false;
            if (!status && !error)
                error = status.error();
            if (finished)
                --unfinished;
        }
        changed.notify_all();
    }

    void run_writer() {
        while (auto work = next_write()) {
            auto& pack = *work->pack;
            Status status;
            if (!pack.failed) {
                status = write_at(pack, buffers[work->buffer].get(), work->size, work->offset);
                pack.failed = !status;
            }
            if (work->last) {
                auto finished = finish(pack);
                if (status)
                    status = std::move(finished);
            }
            written(work->buffer, status, work->last);
        }
    }

    // Closes a pack's file once its digest is known and hands the digest to
    // its `on_closed`; removes the file of a pack whose write failed.
    Status finish(PackFile& pack) {
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return pack.digest.has_value(); });
        }
        Status status;
        if (!pack.failed)
            ::sync_file_range(pack.fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
        if (::close(pack.fd.release()) != 0 && !pack.failed) {
            status = sys_error(errno, fmt::format("cannot write '{}'", pack.path.string()));
            pack.failed = true;
        }
        if (pack.failed) {
            ::unlink(pack.path.c_str());
            return status;
        }
        return pack.on_closed(*pack.digest);
    }

    // Hands the bytes of buffer `b` not handed yet to the hasher.
    void hand(size_t b) {
        auto& use = uses[b];
        const size_t from = use.handed;
        if (from == use.size)
            return;
        {
            std::lock_guard lock(mutex);
            ++use.hashing;
        }
        use.handed = use.size;
        // The callbacks notify under the lock: once it is released, the
        // destructor may go on, and nothing here is touched after that.
        hasher.update(use.pack->sha,
                      std::span<const uint8_t>(buffers[b].get() + from, use.size - from),
                      [this, b] {
                          std::lock_guard lock(mutex);
                          --uses[b].hashing;
                          changed.notify_all();
                      });
    }

    // Hands every byte appended and not handed yet to the hasher, buffer
    // by buffer in the order they were filled (the order of the packs' bytes).
    void hand_all() {
        for (uint64_t i = handed_count; i < taken_count; ++i) {
            hand(i % k_pack_buffers);
            if (!(taken && i + 1 == taken_count)) // the one being filled is not done
                handed_count = i + 1;
        }
    }

    // Waits until the next buffer is free to fill, and gives it to the open
    // pack.
    Status take_buffer() {
        current = taken_count % k_pack_buffers;
        if (handed_count + k_pack_buffers <= taken_count)
            hand_all(); // the ring came round to bytes still waiting for the hasher
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return uses[current].hashing == 0 && !uses[current].writing; });
        if (error)
            return std::unexpected(*error);
        uses[current] = {open, 0, 0, 0, false};
        ++taken_count;
        taken = true;
        return {};
    }

    // Hands the current buffer to the writer.
    void submit(bool last) {
        {
            std::lock_guard lock(mutex);
            uses[current].writing = true;
            to_write.push_back({current, uses[current].size, offset, open, last});
            if (last)
                ++unfinished;
        }
        changed.notify_all();
        offset += uses[current].size;
        taken = false;
    }
};

PackWriter::PackWriter(hash::StreamHasher& hasher) : m_impl(std::make_unique<Impl>(hasher)) {}
PackWriter::~PackWriter() = default;

Status PackWriter::open(const std::filesystem::path& path) {
    auto& s = *m_impl;
    if (!s.writer.joinable())
        s.start();
    auto pack = std::make_shared<PackFile>();
    pack->path = path;
    pack->sha = s.hasher.open();
    pack->fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!pack->fd)
        return sys_error(errno, fmt::format("cannot create '{}'", path.string()));
    // Set after the open: a file system without O_DIRECT would refuse the
    // open only once it has created the file.
    int flags = ::fcntl(pack->fd.get(), F_GETFL);
    pack->direct = flags >= 0 && ::fcntl(pack->fd.get(), F_SETFL, flags | O_DIRECT) == 0;
    s.open = std::move(pack);
    s.offset = 0;
    return {};
}

Status PackWriter::append(std::span<const uint8_t> bytes) {
    auto& s = *m_impl;
    while (!bytes.empty()) {
        if (!s.taken)
            MLCI_TRY(s.take_buffer());
        auto& use = s.uses[s.current];
        size_t n = std::min(bytes.size(), k_pack_buffer - use.size);
        std::memcpy(s.buffers[s.current].get() + use.size, bytes.data(), n);
        use.size += n;
        bytes = bytes.subspan(n);
        if (use.size == k_pack_buffer)
            s.submit(false);
    }
    return {};
}

void PackWriter::hash_appended() {
    m_impl->hand_all();
}

Status PackWriter::close(Closed on_closed) {
    auto& s = *m_impl;
    if (!s.taken)
        MLCI_TRY(s.take_buffer());
    s.open->on_closed = std::move(on_closed);
    s.hand_all();
    s.hasher.finish(s.open->sha, [&s, pack = s.open](const hash::Digest& digest) {
        std::lock_guard lock(s.mutex);
        pack->digest = digest;
        s.changed.notify_all();
    });
    s.submit(true);
    s.open.reset();
    return {};
}

Status PackWriter::wait() {
    auto& s = *m_impl;
    std::unique_lock lock(s.mutex);
    s.changed.wait(lock, [&] { return s.unfinished == 0; });
    if (s.error)
        return std::unexpected(*s.error);
    return {};
}

} // namespace mlci::store
