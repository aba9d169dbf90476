// The drift rule that `test`, `watch` and `report` share, over histogram
// buckets: PSI over deciles of the reference (or a categorical reference's
// top values plus "other"), and a chi-square p-value so that what a small
// sample shows by chance is not called drift.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlci::stats {

// The PSI above which a column has drifted when no limit is configured:
// the usual rule of thumb (0.1-0.2 some change, above 0.2 a shift).
inline constexpr double k_default_max_drift = 0.2;

// A PSI above the limit is drift only when samples of those sizes would
// differ that much by chance less often than this (homogeneity_p_value):
// 30 rows of unchanged data reach PSI 0.2 easily, 3,000 rows do not.
inline constexpr double k_drift_alpha = 0.01;

// Groups adjacent histogram bins (by index) so that each group holds about a
// tenth of the reference's values: PSI's deciles, as near as the bins allow.
std::vector<size_t> decile_groups(const std::vector<uint64_t>& reference);
// Sums `counts` by the groups decile_groups made.
std::vector<uint64_t> regroup(const std::vector<uint64_t>& counts,
                              const std::vector<size_t>& group);

// The drift rule over buckets already chosen (deciles of a numeric
// reference, a categorical reference's top values plus "other"): the PSI of
// `actual` against `expected`, and drifted when it is above `max_psi` and
// samples of those sizes would differ that much by chance less often than
// k_drift_alpha.
struct DriftVerdict {
    double psi = 0;
    double p_value = 1;
    bool above = false;   // psi > max_psi
    bool drifted = false; // above, and not by chance
};
DriftVerdict drift_verdict(const std::vector<uint64_t>& expected,
                           const std::vector<uint64_t>& actual, double max_psi);

} // namespace mlci::stats
