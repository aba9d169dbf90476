// Which byte ranges of a pack to request when only some of its chunks are
// needed (a store holding an earlier version, `pull --path`): neighbouring
// chunks share one request, and a pack costs a few requests, never one per
// chunk. Each request costs a round trip and a few hundred bytes of
// headers; a gap of a few chunks costs less to download than that wait.
#pragma once

#include <cstdint>
#include <vector>

namespace mlci::registry {

struct ByteRange {
    uint64_t offset = 0;
    uint64_t length = 0;
    uint64_t end() const { return offset + length; }
    bool operator==(const ByteRange&) const = default;
};

// Ranges closer than this are fetched as one (about two chunks).
inline constexpr uint64_t k_range_gap = 128u << 10;
// At most this many requests per pack: past it, the smallest gaps merge.
inline constexpr size_t k_ranges_per_pack = 8;

// The requests that cover `wanted` (any order, may overlap): ranges less
// than `max_gap` apart merged, then the closest neighbours merged until at
// most `max_requests` remain. Sorted by offset; empty for nothing wanted.
std::vector<ByteRange> coalesce_ranges(std::vector<ByteRange> wanted,
                                       uint64_t max_gap = k_range_gap,
                                       size_t max_requests = k_ranges_per_pack);

// The bytes `ranges` cover.
uint64_t range_bytes(const std::vector<ByteRange>& ranges);

} // namespace mlci::registry
