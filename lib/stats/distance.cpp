#include <algorithm>
#include <cmath>
#include <mlci/stats/distance.hpp>
#include <numeric>

namespace mlci::stats {

namespace {

double histogram_total(const std::vector<uint64_t>& counts) {
    return static_cast<double>(std::accumulate(counts.begin(), counts.end(), uint64_t{0}));
}

} // namespace

double psi(const std::vector<uint64_t>& expected_counts,
           const std::vector<uint64_t>& actual_counts) {
    double expected_total = histogram_total(expected_counts);
    double actual_total = histogram_total(actual_counts);
    if (expected_total == 0 || actual_total == 0)
        return 0;
    size_t bins = std::max(expected_counts.size(), actual_counts.size());
    double total = 0;
    for (size_t i = 0; i < bins; ++i) {
        double e = i < expected_counts.size() ? expected_counts[i] / expected_total : 0;
        double a = i < actual_counts.size() ? actual_counts[i] / actual_total : 0;
        e = std::max(e, k_psi_epsilon);
        a = std::max(a, k_psi_epsilon);
        total += (a - e) * std::log(a / e);
    }
    return total;
}

double ks_statistic(const std::vector<uint64_t>& expected_counts,
                    const std::vector<uint64_t>& actual_counts) {
    double expected_total = histogram_total(expected_counts);
    double actual_total = histogram_total(actual_counts);
    if (expected_total == 0 || actual_total == 0)
        return 0;
    size_t bins = std::max(expected_counts.size(), actual_counts.size());
    // Cumulative counts are summed as integers so that identical histograms
    // give exactly 0.
    uint64_t e = 0, a = 0;
    double d = 0;
    for (size_t i = 0; i < bins; ++i) {
        e += i < expected_counts.size() ? expected_counts[i] : 0;
        a += i < actual_counts.size() ? actual_counts[i] : 0;
        d = std::max(d, std::abs(e / expected_total - a / actual_total));
    }
    return d;
}

} // namespace mlci::stats
