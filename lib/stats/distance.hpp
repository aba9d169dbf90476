// How far apart two histograms over the same buckets are: the population
// stability index and the Kolmogorov-Smirnov statistic, with which `test`,
// `watch` and `report` compare new data with a stored profile.
#pragma once

#include <cstdint>
#include <vector>

namespace mlci::stats {

// Share given to an empty bin by psi(), so that one empty bin adds a large but
// finite amount instead of infinity.
inline constexpr double k_psi_epsilon = 1e-4;

// The population stability index of `actual_counts` against `expected_counts`
// over the same bins: sum of (a - e) * ln(a / e) over the bins' shares, each
// share at least k_psi_epsilon. A missing bin on either side counts as empty.
// 0 when either side has no values (check for that before trusting it).
// Rule of thumb: < 0.1 stable, 0.1-0.2 some change, > 0.2 drift.
double psi(const std::vector<uint64_t>& expected_counts,
           const std::vector<uint64_t>& actual_counts);

// The two-sample Kolmogorov-Smirnov statistic D (0 to 1) from two histograms
// over the same bins: the largest gap between their cumulative shares at the
// bin edges. Since the data are only seen at the edges, this is a lower bound
// of the D of the underlying values, within one bin's width of resolution. 0
// when either side has no values.
double ks_statistic(const std::vector<uint64_t>& expected_counts,
                    const std::vector<uint64_t>& actual_counts);

} // namespace mlci::stats
