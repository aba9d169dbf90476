// A pack: many chunks in one blob, so that a registry holds few large blobs
// rather than millions of small ones. Self-describing, so that the store's
// chunk index can be rebuilt from packs alone (ARCHITECTURE.md §1):
//
//   chunk bytes, end to end
//   index: per chunk, its sha256 (32 bytes), offset (u64), length (u32)
//   trailer: chunk count (u32), format version (u32 = 1), "MLCIPACK"
//
// Integers are little-endian. Chunks are stored raw, so a chunk is one
// byte range of the pack, which an HTTP Range request can fetch alone.
#pragma once

#include <cstdint>
#include <mlci/core/error.hpp>
#include <mlci/hash/raw_digest.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::store {

struct PackEntry {
    hash::RawDigest id;
    uint64_t offset = 0;
    uint32_t length = 0;
};

inline constexpr size_t k_pack_entry_size = 44;
inline constexpr size_t k_pack_trailer_size = 16;
// A pack is closed once it holds this much: large enough that a registry
// sees few blobs, small enough to upload again after a cut connection.
inline constexpr uint64_t k_pack_target_size = 32u << 20;

// The index and trailer that follow the chunk bytes of `entries`.
std::string serialize_pack_index(std::span<const PackEntry> entries);

// How many bytes the index and trailer take at the end of a pack, read from
// its last k_pack_trailer_size bytes; a usage error when they are no trailer.
Result<uint64_t> pack_index_size(std::string_view trailer, uint64_t pack_size,
                                 std::string_view where);
// Parses the index and trailer (the pack's last `pack_index_size` bytes):
// every chunk must lie inside the chunk bytes, in order, without overlap.
Result<std::vector<PackEntry>> parse_pack_index(std::string_view tail, uint64_t pack_size,
                                                std::string_view where);

} // namespace mlci::store
