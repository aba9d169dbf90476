#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mlci/store/pack_writer.hpp>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <unistd.h>

namespace mlci::store {

namespace {

// O_DIRECT wants the memory, the file offset and the length aligned to the
// device's logical block; 4 KiB is that or a multiple of it on the devices
// in use (a device that wants more refuses, and the writes fall back).
constexpr size_t k_direct_align = 4096;
// Large enough that a write's fixed cost is small and the disk gets long
// runs; four, so that a pack being finished and the next one's first bytes
// are in flight together while the caller fills another.
constexpr size_t k_pack_buffer = 4u << 20;
constexpr size_t k_pack_buffers = 4;

struct FreeAligned {
    void operator()(uint8_t* p) const { std::free(p); }
};
using AlignedBytes = std::unique_ptr<uint8_t, FreeAligned>;

AlignedBytes aligned_bytes() {
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(k_direct_align, k_pack_buffer));
    if (!p)
        throw std::bad_alloc();
    return AlignedBytes(p);
}

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

struct PackWriter::Impl {
    hash::StreamHasher& hasher;
    std::mutex mutex;
    std::condition_variable changed;
    AlignedBytes buffers[k_pack_buffers];
    int busy[k_pack_buffers] = {}; // of hashing and writing, what is left to do on a buffer
    size_t current = 0;            // the buffer being filled
    size_t filled = 0;
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
                   std::all_of(std::begin(busy), std::end(busy), [](int b) { return b == 0; });
        });
        stopping = true;
        lock.unlock();
        changed.notify_all();
        if (writer.joinable())
            writer.join();
    }

    void start() {
        for (auto& b : buffers)
            b = aligned_bytes();
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

    void done(size_t buffer, const Status& status, bool finished) {
        {
            std::lock_guard lock(mutex);
            --busy[buffer];
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
            done(work->buffer, status, work->last);
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

    // Waits until the current buffer is free to fill.
    Status take_buffer() {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return busy[current] == 0; });
        if (error)
            return std::unexpected(*error);
        return {};
    }

    // Hands the current buffer to the hasher and the writer.
    void submit(bool last) {
        const size_t buffer = current;
        const std::span<const uint8_t> bytes(buffers[buffer].get(), filled);
        auto pack = open;
        {
            std::lock_guard lock(mutex);
            busy[buffer] = 2;
            to_write.push_back({buffer, filled, offset, pack, last});
            if (last)
                ++unfinished;
        }
        changed.notify_all();
        hasher.update(pack->sha, bytes, [this, buffer] { done(buffer, {}, false); });
        if (last)
            hasher.finish(pack->sha, [this, pack](const hash::Digest& digest) {
                {
                    std::lock_guard lock(mutex);
                    pack->digest = digest;
                }
                changed.notify_all();
            });
        offset += filled;
        current = (current + 1) % k_pack_buffers;
        filled = 0;
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
    s.filled = 0;
    return {};
}

Status PackWriter::append(std::span<const uint8_t> bytes) {
    auto& s = *m_impl;
    while (!bytes.empty()) {
        if (s.filled == 0)
            MLCI_TRY(s.take_buffer());
        size_t n = std::min(bytes.size(), k_pack_buffer - s.filled);
        std::memcpy(s.buffers[s.current].get() + s.filled, bytes.data(), n);
        s.filled += n;
        bytes = bytes.subspan(n);
        if (s.filled == k_pack_buffer)
            s.submit(false);
    }
    return {};
}

Status PackWriter::close(Closed on_closed) {
    auto& s = *m_impl;
    if (s.filled == 0)
        MLCI_TRY(s.take_buffer());
    s.open->on_closed = std::move(on_closed);
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
