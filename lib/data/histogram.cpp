// A profile's histograms: values counted into its bins, and a categorical
// column's buckets, which the drift statistics (lib/stats) compare.
#include <algorithm>
#include <cmath>
#include <mlci/data/profile.hpp>
#include <mlci/stats/distance.hpp>

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

double ks_statistic(const std::vector<double>& edges, const std::vector<uint64_t>& expected_counts,
                    const std::vector<double>& samples) {
    return stats::ks_statistic(expected_counts, bin_values(samples, edges));
}

std::vector<uint64_t> reference_buckets(const ColumnProfile& reference) {
    std::vector<uint64_t> out;
    uint64_t listed = 0;
    for (auto& [value, count] : reference.top) {
        out.push_back(count);
        listed += count;
    }
    out.push_back(reference.count > listed ? reference.count - listed : 0);
    return out;
}

} // namespace mlci::data
