#include <catch2/catch.hpp>
#include <mlci/stats/chi_square.hpp>

using namespace mlci::stats;

TEST_CASE("stats: chi-square survival function", "[stats]") {
    // Reference values from scipy.stats.chi2.sf.
    CHECK(chi_square_sf(3.84, 1) == Approx(0.05004352124870519).epsilon(1e-9));
    CHECK(chi_square_sf(11.07, 5) == Approx(0.050009618622405425).epsilon(1e-9));
    CHECK(chi_square_sf(0.5, 9) == Approx(0.9999695662588389).epsilon(1e-9));
    CHECK(chi_square_sf(21.67, 9) == Approx(0.009985789299578333).epsilon(1e-9));
    CHECK(chi_square_sf(100, 9) == Approx(1.5735176303753876e-17).epsilon(1e-6));
    CHECK(chi_square_sf(2, 2) == Approx(0.36787944117144245).epsilon(1e-12));
    CHECK(chi_square_sf(0, 3) == 1);
    CHECK(chi_square_sf(-1, 3) == 1);
}

TEST_CASE("stats: homogeneity of two histograms", "[stats]") {
    // Reference values from scipy.stats.chi2_contingency(..., correction=False).
    CHECK(homogeneity_p_value({10, 20, 30}, {15, 15, 30}) ==
          Approx(0.42437284567695).epsilon(1e-9));
    CHECK(homogeneity_p_value({50, 50, 0}, {40, 40, 20}) ==
          Approx(1.4945338524781447e-05).epsilon(1e-6));
    // Buckets empty on both sides change nothing.
    CHECK(homogeneity_p_value({10, 0, 20, 30}, {15, 0, 15, 30}) ==
          Approx(homogeneity_p_value({10, 20, 30}, {15, 15, 30})));
    // The same proportions mean more with more values.
    CHECK(homogeneity_p_value({6, 4}, {4, 6}) > 0.3);
    CHECK(homogeneity_p_value({600, 400}, {400, 600}) < 1e-10);
    CHECK(homogeneity_p_value({}, {1, 2}) == 1);
    CHECK(homogeneity_p_value({5}, {7}) == 1);
}

TEST_CASE("stats: chi-square of homogeneity by hand", "[stats]") {
    // 2 x 2 table: expected 15 in every cell, four cells of (5^2)/15.
    auto [stat, dof] = chi_square({10, 20}, {20, 10});
    CHECK(stat == Approx(4 * 25.0 / 15.0));
    CHECK(dof == 1);
    // Buckets empty on both sides are left out of the degrees of freedom.
    auto [same, dof2] = chi_square({10, 0, 20}, {10, 0, 20});
    CHECK(same == Approx(0));
    CHECK(dof2 == 1);
    CHECK(chi_square({}, {1, 2}).statistic == 0);
}
