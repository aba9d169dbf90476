// A chunk list: the chunks of one stretch of a large file, in file order,
// with where each lies (ARCHITECTURE.md §1):
//
//   {"packs":[{"digest":"sha256:...","size":N},...],
//    "chunks":[[PACK,OFFSET,LENGTH,"<sha256 hex>"],...]}
//
// PACK indexes "packs". A file's entry in its file list names its chunk
// lists, not its chunks: the lists end where a chunk's digest says (about
// 512 chunks, 32 MiB of file, each), so a version that changes one byte of
// a 10 GiB file writes one new list, and the unchanged lists deduplicate.
#pragma once

#include <cstdint>
#include <mlci/core/error.hpp>
#include <mlci/hash/raw_digest.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::store {

// A blob named by digest and size: a pack, or a chunk list.
struct BlobRef {
    hash::Digest digest;
    uint64_t size = 0;
    bool operator==(const BlobRef&) const = default;
};

struct ChunkRecord {
    hash::RawDigest id;
    uint32_t pack = 0; // index into ChunkList::packs
    uint64_t offset = 0;
    uint32_t length = 0;
};

struct ChunkList {
    std::vector<BlobRef> packs;
    std::vector<ChunkRecord> chunks;
};

// True when a chunk list should end after the chunk `id`, the `count`-th of
// the list: content-defined, so that the lists after an edit stay the same.
bool ends_chunk_list(const hash::RawDigest& id, size_t count);

std::string serialize_chunk_list(const ChunkList& list);
// Parses a chunk list; every chunk must name one of its packs and lie
// inside it. `where` names the list in errors.
Result<ChunkList> parse_chunk_list(std::string_view text, std::string_view where);

} // namespace mlci::store
