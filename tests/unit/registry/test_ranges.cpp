#include <catch2/catch.hpp>
#include <mlci/registry/ranges.hpp>

using mlci::registry::ByteRange;
using mlci::registry::coalesce_ranges;
using mlci::registry::range_bytes;

TEST_CASE("coalesce_ranges merges neighbours closer than the gap", "[registry][ranges]") {
    // Given out of order, with a duplicate and an empty one.
    std::vector<ByteRange> wanted{{300, 50}, {0, 100}, {100, 100}, {0, 100}, {5000, 10}, {7, 0}};
    auto out = coalesce_ranges(wanted, 100, 8);
    // 0-200 and 300-350 are 100 apart: merged; 5000 is far.
    REQUIRE(out == std::vector<ByteRange>{{0, 350}, {5000, 10}});
    REQUIRE(range_bytes(out) == 360);
    // With no gap allowed, only touching ranges merge.
    REQUIRE(coalesce_ranges(wanted, 0, 8) ==
            std::vector<ByteRange>{{0, 200}, {300, 50}, {5000, 10}});
}

TEST_CASE("coalesce_ranges keeps to a few requests by closing the smallest gaps",
          "[registry][ranges]") {
    std::vector<ByteRange> wanted;
    wanted.reserve(10);
    // Ten chunks of 10 bytes, 1000 apart, except the fifth, 20 after the fourth.
    for (uint64_t i = 0; i < 10; ++i)
        wanted.push_back({i == 4 ? 3030 : i * 1000, 10});
    auto out = coalesce_ranges(wanted, 0, 9);
    REQUIRE(out.size() == 9);
    REQUIRE(out[3] == ByteRange{3000, 40}); // 3000-3010 and 3030-3040 became one
    auto two = coalesce_ranges(wanted, 0, 2);
    REQUIRE(two.size() == 2);
    // Every wanted byte is still covered.
    for (auto& w : wanted)
        REQUIRE(std::any_of(two.begin(), two.end(), [&](const ByteRange& r) {
            return r.offset <= w.offset && w.end() <= r.end();
        }));
    REQUIRE(coalesce_ranges(wanted, 0, 1) == std::vector<ByteRange>{{0, 9010}});
    REQUIRE(coalesce_ranges({}, 100, 8).empty());
}
