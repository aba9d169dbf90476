#include <catch2/catch.hpp>
#include <mlci/stats/drift.hpp>
#include <vector>

using namespace mlci::stats;

TEST_CASE("stats: decile groups merge bins to a tenth of the mass", "[stats]") {
    CHECK(decile_groups({25, 25, 25, 25}) == std::vector<size_t>{0, 1, 2, 3});
    // 5-value bins: two make a tenth of 100.
    std::vector<uint64_t> twenty(20, 5);
    auto g = decile_groups(twenty);
    CHECK(g.front() == 0);
    CHECK(g[1] == 0);
    CHECK(g[2] == 1);
    CHECK(g.back() == 9);
    CHECK(regroup(twenty, g) == std::vector<uint64_t>(10, 10));
}

TEST_CASE("stats: one drift verdict for test, watch and report", "[stats]") {
    // Identical buckets: no PSI, nothing to explain.
    auto same = drift_verdict({25, 25, 25, 25}, {25, 25, 25, 25}, 0.2);
    CHECK(same.psi == Approx(0).margin(1e-12));
    CHECK(same.p_value == Approx(1));
    CHECK(!same.above);
    CHECK(!same.drifted);
    // A large shift over many values: above the limit and not by chance.
    auto shifted = drift_verdict({250, 250, 250, 250}, {50, 50, 400, 500}, 0.2);
    CHECK(shifted.above);
    CHECK(shifted.p_value < k_drift_alpha);
    CHECK(shifted.drifted);
    // The same proportions over a handful of values: above the limit, but a
    // sample that small differs that much by chance.
    auto few = drift_verdict({250, 250, 250, 250}, {1, 1, 3, 4}, 0.2);
    CHECK(few.above);
    CHECK(!few.drifted);
    // The limit is the caller's.
    CHECK(!drift_verdict({250, 250, 250, 250}, {50, 50, 400, 500}, 100).drifted);
}
