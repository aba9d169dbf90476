// Drift between two stored column profiles, for the data section of the report.
#include <algorithm>
#include <cmath>
#include <mlci/check/drift.hpp>
#include <mlci/report/mr_report.hpp>

namespace mlci::report {

std::optional<double> profile_psi(const data::ColumnProfile& reference,
                                  const data::ColumnProfile& current) {
    if (reference.count == 0 || current.count == 0)
        return std::nullopt;
    bool ref_numeric = !reference.bin_edges.empty() && !reference.bin_counts.empty();
    bool cur_numeric = !current.bin_edges.empty() && !current.bin_counts.empty();
    if (ref_numeric && cur_numeric) {
        // Spread each current bin's count over the reference bins it
        // overlaps, uniformly; what falls outside goes to the end bins.
        auto& edges = reference.bin_edges;
        size_t bins = reference.bin_counts.size();
        std::vector<double> moved(bins, 0);
        for (size_t i = 0; i < current.bin_counts.size() && i + 1 < current.bin_edges.size(); ++i) {
            double lo = current.bin_edges[i], hi = current.bin_edges[i + 1];
            double count = static_cast<double>(current.bin_counts[i]);
            if (count == 0)
                continue;
            if (!(hi > lo)) {
                auto at = std::upper_bound(edges.begin(), edges.end(), lo) - edges.begin();
                moved[std::clamp<long>(at - 1, 0, static_cast<long>(bins) - 1)] += count;
                continue;
            }
            for (size_t b = 0; b < bins; ++b) {
                double blo = b == 0 ? -INFINITY : edges[b];
                double bhi = b + 1 == bins ? INFINITY : edges[b + 1];
                double overlap = std::min(hi, bhi) - std::max(lo, blo);
                if (overlap > 0)
                    moved[b] += count * overlap / (hi - lo);
            }
        }
        std::vector<uint64_t> actual(bins);
        for (size_t b = 0; b < bins; ++b)
            actual[b] = static_cast<uint64_t>(std::llround(moved[b]));
        return data::psi(reference.bin_counts, actual);
    }
    if (ref_numeric != cur_numeric || reference.top.empty())
        return std::nullopt;
    auto expected = check::reference_buckets(reference);
    std::vector<uint64_t> actual(reference.top.size() + 1, 0);
    uint64_t matched = 0;
    for (auto& [value, n] : current.top)
        for (size_t i = 0; i < reference.top.size(); ++i)
            if (reference.top[i].first == value) {
                actual[i] += n;
                matched += n;
            }
    actual.back() = current.count - std::min(matched, current.count);
    expected.resize(actual.size(), 0);
    return data::psi(expected, actual);
}

} // namespace mlci::report
