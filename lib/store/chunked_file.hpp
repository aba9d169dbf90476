// Large files as chunks (ARCHITECTURE.md §1): writing one into the store as
// chunks in packs and chunk lists, and reading it back.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <utility>
#include <vector>

namespace mlci::store {

// Files at least this large are stored in chunks; smaller ones stay whole
// blobs. Below it a changed file costs less than 1 MiB anyway, and a small
// file in one blob is one read at checkout.
inline constexpr uint64_t k_chunk_threshold = 1u << 20;

struct ChunkedContent {
    hash::Digest digest; // of the whole file
    uint64_t size = 0;
    uint64_t new_bytes = 0; // in chunks the store did not have
    struct Chunk {
        hash::RawDigest id;
        ChunkStore::Placed at;
    };
    std::vector<Chunk> chunks;
};

// How much of a file chunk_file reads at a time (four such buffers): large
// enough that a syscall and a hand-over between threads are rare, small
// enough that a stretch is still in the cache when its chunks are hashed.
inline constexpr size_t k_chunk_read_size = 4u << 20;

// Reads `fd` (the file `what`) once, to its end, and puts its chunks into
// `chunks`, on two threads. `on_bytes` (optional)
// hears of each stretch stored, for progress. `read_size` is for tests.
Result<ChunkedContent> chunk_file(ChunkStore& chunks, int fd, const fs::path& what,
                                  const std::function<void(uint64_t)>& on_bytes = {},
                                  size_t read_size = k_chunk_read_size);

// Once `chunks` is finished, writes the chunk lists of `content` and
// returns them, for its file entry.
Result<std::vector<BlobRef>> put_chunk_lists(const Store& store, const ChunkStore& chunks,
                                             const ChunkedContent& content);

// Gives the bytes of the file `entry` (chunked or not) to `sink` in order,
// then checks their size and digest (a mismatch is an error after the
// bytes: the caller writes where nothing is visible until it succeeds).
using ContentSink = std::function<Status(const void* data, size_t size)>;
Status stream_content(const Store& store, const FileEntry& entry, const ContentSink& sink,
                      const fs::path& what);

// Writes the file `entry` (chunked or not) to `out`, checking its size and
// its digest as it goes; `what` names it in errors.
Status write_content(const Store& store, const FileEntry& entry, int out, const fs::path& what);

// A file of the store to read by path: the blob itself, or, for a chunked
// file, a copy assembled in the store's temporary folder and removed with
// this object.
class ReadableFile {
public:
    ReadableFile(fs::path path, bool temporary) : m_path(std::move(path)), m_temporary(temporary) {}
    ReadableFile(ReadableFile&& o) noexcept
        : m_path(std::move(o.m_path)), m_temporary(std::exchange(o.m_temporary, false)) {}
    ReadableFile& operator=(ReadableFile&&) = delete;
    ~ReadableFile();
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
    bool m_temporary;
};
Result<ReadableFile> readable_file(const Store& store, const FileEntry& entry);

// True when the store holds what `entry` needs: its blob, or its chunk
// lists and every chunk they name (chunk_locator.hpp).
bool has_content(const Store& store, const FileEntry& entry);
// The same, finding chunks through `locator` (one for many files loads the
// chunk index once).
bool has_content(const Store& store, const FileEntry& entry, ChunkLocator& locator);

// The chunk lists of chunked content the store holds, by its whole digest
// (recorded by put_chunk_lists): nothing when there are none.
std::optional<std::vector<BlobRef>> chunked_content(const Store& store, const hash::Digest& digest);

// True when the store can give back content with this digest: a blob, or a
// chunked file it recorded whose chunk lists and packs are all there.
bool has_content(const Store& store, const hash::Digest& digest);

} // namespace mlci::store
