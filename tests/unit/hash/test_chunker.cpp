#include <algorithm>
#include <catch2/catch.hpp>
#include <mlci/hash/chunker.hpp>
#include <mlci/hash/raw_digest.hpp>
#include <random>
#include <vector>

using namespace mlci::hash;

namespace {

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto& b : out)
        b = static_cast<uint8_t>(rng());
    return out;
}

// The chunk lengths of `data`, fed as a stream would be: never more than
// `window` bytes ahead of the cut.
std::vector<size_t> chunks_of(const std::vector<uint8_t>& data, const ChunkSizes& sizes = {}) {
    std::vector<size_t> out;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t avail = std::min(data.size() - pos, sizes.max);
        bool at_end = pos + avail == data.size();
        size_t len = next_chunk(std::span<const uint8_t>(data.data() + pos, avail), at_end, sizes);
        REQUIRE(len > 0);
        out.push_back(len);
        pos += len;
    }
    return out;
}

// The chunk digests of `data`.
std::vector<RawDigest> digests_of(const std::vector<uint8_t>& data) {
    std::vector<RawDigest> out;
    size_t pos = 0;
    for (auto len : chunks_of(data)) {
        out.push_back(RawDigest::of(data.data() + pos, len));
        pos += len;
    }
    return out;
}

} // namespace

TEST_CASE("chunks respect the minimum and maximum sizes and cover the input", "[chunker]") {
    ChunkSizes sizes;
    auto data = random_bytes(8u << 20, 1);
    auto lens = chunks_of(data);
    size_t total = 0;
    for (size_t i = 0; i < lens.size(); ++i) {
        total += lens[i];
        CHECK(lens[i] <= sizes.max);
        if (i + 1 < lens.size())
            CHECK(lens[i] >= sizes.min);
    }
    CHECK(total == data.size());
    // Normalized chunking keeps the average near the target.
    double average = static_cast<double>(data.size()) / static_cast<double>(lens.size());
    CHECK(average > sizes.target * 0.6);
    CHECK(average < sizes.target * 1.6);
}

TEST_CASE("input that never matches is cut at the maximum size", "[chunker]") {
    std::vector<uint8_t> zeros(1u << 20, 0);
    for (auto len : chunks_of(zeros))
        CHECK(len == ChunkSizes{}.max);
}

TEST_CASE("an insertion moves only the chunks near it", "[chunker]") {
    auto data = random_bytes(4u << 20, 2);
    auto before = digests_of(data);
    auto edited = data;
    edited.insert(edited.begin() + (1 << 20), {1, 2, 3, 4, 5, 6, 7});
    auto after = digests_of(edited);
    // The chunks before the edit and all but a few after it are the same.
    size_t shared = 0;
    for (auto& d : after)
        shared += std::count(before.begin(), before.end(), d) > 0;
    CHECK(after.size() - shared <= 2);
    CHECK(before.size() - shared <= 2);

    auto prefixed = data;
    prefixed.insert(prefixed.begin(), 100, 0x5a);
    auto moved = digests_of(prefixed);
    CHECK(std::equal(moved.end() - static_cast<long>(before.size() - 1), moved.end(),
                     before.end() - static_cast<long>(before.size() - 1)));
}

TEST_CASE("the same bytes give the same chunks on any machine", "[chunker]") {
    // A fixed input and its first cuts: a change to the gear table, the masks
    // or the sizes changes these, and every stored chunk with them.
    std::vector<uint8_t> data(1u << 20);
    uint32_t x = 12345;
    for (auto& b : data) {
        x = x * 1103515245u + 12345u;
        b = static_cast<uint8_t>(x >> 16);
    }
    auto lens = chunks_of(data);
    REQUIRE(lens.size() >= 3);
    auto again = chunks_of(data);
    CHECK(lens == again);
    INFO("first cuts: " << lens[0] << " " << lens[1] << " " << lens[2]);
    CHECK(lens[0] == 135497u);
    CHECK(lens[1] == 46826u);
    CHECK(lens[2] == 65680u);
}
