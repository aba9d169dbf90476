// The files of the packs being written (chunk_store.hpp). Bytes appended
// are copied into a ring of buffers; they are hashed by a StreamHasher
// (beside a chunked file's whole digest: hash/stream_hasher.hpp), and each
// full buffer is written on a thread of the writer's own, where a closed pack
// is finished too (its file closed, then `on_closed` given its digest). The
// caller (the chunking pipeline's main thread) thus only copies, and waits
// only when every buffer is still being hashed or written.
//
// The files are written with O_DIRECT where the file system takes it. A pack
// must be on disk before the store's sync anyway (ARCHITECTURE.md §2), so
// its bytes gain nothing in the page cache: written direct, they skip the
// copy into it and the allocation of its pages (on the 2-core VM this was
// measured on, 1 GiB written through the cache and synced took 2.6 s of
// CPU and 3 s, direct 0.1 s of CPU and 0.5 s), and do not push the user's
// own files out of it. Where O_DIRECT is refused (tmpfs, an alignment the
// device rejects) the writes go through the page cache, their writeback
// started as they go.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <span>

namespace mlci::store {

class PackWriter {
public:
    // Hashes the packs through `hasher`, which must outlive the writer.
    explicit PackWriter(hash::StreamHasher& hasher);
    // Finishes the packs closed so far, then stops the threads. A pack open
    // and not closed is left as written; its caller removes it.
    ~PackWriter();
    PackWriter(const PackWriter&) = delete;
    PackWriter& operator=(const PackWriter&) = delete;

    // Creates the file `path` (read-only; it must not exist) for the next
    // pack. The previous one must have been closed.
    Status open(const std::filesystem::path& path);
    // Appends `bytes` to the open pack. An error of an earlier write (of
    // any pack) may surface here.
    Status append(std::span<const uint8_t> bytes);
    // Hands the bytes appended so far to the hasher now. Left alone, they go
    // when their pack closes or the ring of buffers comes round to them: a
    // caller that hashes a stream of its own on the same hasher hands its
    // bytes over at the same time, so that the two are hashed side by side.
    void hash_appended();
    // Ends the open pack and returns at once: once its bytes are written, its
    // file is closed and `on_closed` called with the sha256 of its bytes, on
    // the writer's thread. A pack whose write fails is removed instead.
    using Closed = std::function<Status(const hash::Digest&)>;
    Status close(Closed on_closed);
    // Waits until every closed pack is finished; the first error of a write
    // or of an `on_closed`.
    Status wait();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mlci::store
