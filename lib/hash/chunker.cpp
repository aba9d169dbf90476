#include <algorithm>
#include <array>
#include <bit>
#include <mlci/hash/chunker.hpp>

namespace mlci::hash {

namespace {

// splitmix64: a fixed, portable source for the gear table.
constexpr uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

constexpr std::array<uint64_t, 256> make_gear() {
    std::array<uint64_t, 256> table{};
    uint64_t state = 0x6d6c63692d636463ull; // "mlci-cdc": changing it changes every chunk
    for (auto& g : table)
        g = splitmix64(state);
    return table;
}

constexpr auto k_gear = make_gear();

// A mask of the `bits` highest bits: in a gear hash, bit k depends on the
// last k+1 bytes, so the high bits see the whole 64-byte window.
constexpr uint64_t high_bits(int bits) {
    return bits <= 0 ? 0 : ~uint64_t{0} << (64 - bits);
}

} // namespace

size_t next_chunk(std::span<const uint8_t> data, bool at_end, const ChunkSizes& sizes) {
    size_t n = data.size();
    if (n <= sizes.min)
        return n;
    (void)at_end; // short data that is not the end is the caller's error
    n = std::min(n, sizes.max);
    // Normalized chunking: a harder condition before the target size and an
    // easier one after it pull chunk sizes toward the target.
    int bits = std::bit_width(sizes.target) - 1;
    uint64_t hard = high_bits(bits + 2);
    uint64_t easy = high_bits(bits - 2);
    size_t normal = std::min(sizes.target, n);
    const uint8_t* p = data.data();
    uint64_t h = 0;
    size_t i = sizes.min;
    for (; i < normal; ++i) {
        h = (h << 1) + k_gear[p[i]];
        if (!(h & hard))
            return i + 1;
    }
    for (; i < n; ++i) {
        h = (h << 1) + k_gear[p[i]];
        if (!(h & easy))
            return i + 1;
    }
    return n;
}

} // namespace mlci::hash
