#include <catch2/catch.hpp>
#include <cmath>
#include <mlci/stats/distance.hpp>
#include <vector>

using namespace mlci::stats;

TEST_CASE("stats: psi is 0 for the same distribution and large for a shifted one", "[stats]") {
    CHECK(psi({10, 20, 30}, {10, 20, 30}) == 0);
    CHECK(psi({10, 20, 30}, {20, 40, 60}) == Approx(0).margin(1e-12));
    // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    CHECK(psi({50, 50}, {25, 75}) == Approx(0.25 * std::log(2.0) + 0.25 * std::log(1.5)));
    // An empty bin is counted as a tiny share, not as infinity.
    double empty = psi({50, 50}, {100, 0});
    CHECK(std::isfinite(empty));
    CHECK(empty > 1);
    CHECK(psi({}, {1}) == 0);
}

TEST_CASE("stats: ks statistic compares cumulative shares at the bin edges", "[stats]") {
    CHECK(ks_statistic(std::vector<uint64_t>{1, 2, 3}, std::vector<uint64_t>{2, 4, 6}) == 0);
    // Cumulative shares .25 .5 .75 1 against 0 0 .5 1.
    CHECK(ks_statistic(std::vector<uint64_t>{1, 1, 1, 1}, std::vector<uint64_t>{0, 0, 2, 2}) ==
          Approx(0.5));
    CHECK(ks_statistic(std::vector<uint64_t>{5, 0}, std::vector<uint64_t>{0, 5}) == 1);
    CHECK(ks_statistic(std::vector<uint64_t>{}, std::vector<uint64_t>{1}) == 0);
}
