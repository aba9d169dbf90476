// Histograms and the drift statistics over them (PSI, Kolmogorov-Smirnov)
// that compare new data with a stored profile.
#include <algorithm>
#include <cmath>
#include <mlci/data/profile.hpp>
#include <numeric>

namespace mlci::data {

std::vector<uint64_t> bin_values(const std::vector<double>& values,
                                 const std::vector<double>& edges) {
    if (edges.size() < 2)
        return {};
    std::vector<uint64_t> counts(edges.size() - 1, 0);
    const size_t last = counts.size() - 1;
    for (double v : values) {
        if (std::isnan(v))
            continue;
        size_t bin;
        if (v < edges.front())
            bin = 0;
        else if (v >= edges.back())
            bin = last;
        else
            bin = static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), v) -
                                      edges.begin()) -
                  1;
        ++counts[std::min(bin, last)];
    }
    return counts;
}

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

double ks_statistic(const std::vector<double>& edges, const std::vector<uint64_t>& expected_counts,
                    const std::vector<double>& samples) {
    return ks_statistic(expected_counts, bin_values(samples, edges));
}
} // namespace mlci::data
