// Drift of one column against a reference version's profile, counted as the
// CSV streams past: numbers into the reference histogram's bins (merged into
// deciles of the reference for PSI), text and bools into its most frequent
// values plus "other". The population stability index (PSI) over those
// buckets decides; for numbers the Kolmogorov-Smirnov statistic over the
// histogram's bins is reported with it. The statistics and the rule are
// lib/stats' (stats/drift.hpp), shared with `watch` and `report`.
#pragma once

#include <cstdint>
#include <mlci/data/profile.hpp>
#include <mlci/test/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::test {

class ColumnDrift {
public:
    explicit ColumnDrift(const data::ColumnProfile& reference);

    // One non-null field of the column.
    void add(std::string_view value);
    // The drift check: failed when PSI > max_psi and chance alone is an
    // unlikely cause (stats::drift_verdict), or when the column has no
    // values to compare while the reference had some.
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

} // namespace mlci::test
