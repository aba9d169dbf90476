// Drift of one column against a reference version's profile, counted as the
// CSV streams past: numbers into the reference histogram's bins (merged into
// deciles of the reference for PSI), text and bools into its most frequent
// values plus "other". The population stability index (PSI) over those
// buckets decides; for numbers the Kolmogorov-Smirnov statistic over the
// histogram's bins is reported with it.
#pragma once

#include <cstdint>
#include <mlci/check/result.hpp>
#include <mlci/data/profile.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::check {

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

// The drift rule that `test`, `watch` and `report` share, over buckets
// already chosen (deciles of a numeric reference, a categorical reference's
// top values plus "other"): the PSI of `actual` against `expected`, and
// drifted when it is above `max_psi` and samples of those sizes would differ
// that much by chance less often than k_drift_alpha.
struct DriftVerdict {
    double psi = 0;
    double p_value = 1;
    bool above = false;   // psi > max_psi
    bool drifted = false; // above, and not by chance
};
DriftVerdict drift_verdict(const std::vector<uint64_t>& expected,
                           const std::vector<uint64_t>& actual, double max_psi);

class ColumnDrift {
public:
    explicit ColumnDrift(const data::ColumnProfile& reference);

    // One non-null field of the column.
    void add(std::string_view value);
    // The drift check: failed when PSI > max_psi and chance alone is an
    // unlikely cause (p < k_drift_alpha), or when the column has no values
    // to compare while the reference had some.
    CheckResult finish(double max_psi);

private:
    void flush();

    const data::ColumnProfile& m_ref;
    bool m_numeric;
    std::vector<double> m_pending; // numbers waiting to be binned (in batches)
    std::vector<uint64_t> m_counts;
    uint64_t m_other = 0; // numeric reference: values that are not numbers
    uint64_t m_count = 0;
    double m_sum = 0;
};

// The reference buckets for a categorical column: its top values' counts,
// then one "other" bucket for every value beyond them.
std::vector<uint64_t> reference_buckets(const data::ColumnProfile& reference);

} // namespace mlci::check
