// Content-defined chunking (FastCDC: a gear rolling hash with normalized
// chunk sizes). A cut depends only on the 64 bytes before it, so inserting
// or deleting bytes moves the cuts near the edit and no others: the chunks
// after it are the same and deduplicate. The gear table is fixed (derived
// from a constant seed), so the same bytes give the same chunks everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mlci::hash {

// Sizes, in bytes. The defaults (16/64/256 KiB) keep a one-byte edit's cost
// to one chunk of about 64 KiB, while 1 GiB is ~16,000 chunks, few enough to
// index in memory; ARCHITECTURE.md §1 gives the figures behind them.
struct ChunkSizes {
    size_t min = 16u << 10;
    size_t target = 64u << 10;
    size_t max = 256u << 10;
};

// The length of the next chunk at the start of `data`. `data` must hold at
// least `sizes.max` bytes unless it is the end of the input (`at_end`).
// Never returns 0 for non-empty data.
size_t next_chunk(std::span<const uint8_t> data, bool at_end, const ChunkSizes& sizes = {});

} // namespace mlci::hash
