#include <algorithm>
#include <mlci/stats/chi_square.hpp>
#include <mlci/stats/distance.hpp>
#include <mlci/stats/drift.hpp>
#include <numeric>

namespace mlci::stats {

namespace {

// PSI's rule of thumb (0.1, 0.2) was made for ten buckets of equal reference
// mass (deciles). A profile's 20 equal-width bins are finer and often nearly
// empty at the tails, where a sample of a few dozen rows then adds a large
// PSI by chance. So adjacent bins are merged until each bucket holds a tenth
// of the reference values: deciles, as near as the histogram allows.
constexpr size_t k_psi_buckets = 10;

} // namespace

DriftVerdict drift_verdict(const std::vector<uint64_t>& expected,
                           const std::vector<uint64_t>& actual, double max_psi) {
    DriftVerdict v;
    v.psi = psi(expected, actual);
    v.p_value = homogeneity_p_value(expected, actual);
    v.above = v.psi > max_psi;
    v.drifted = v.above && v.p_value < k_drift_alpha;
    return v;
}

std::vector<size_t> decile_groups(const std::vector<uint64_t>& reference) {
    uint64_t total = std::accumulate(reference.begin(), reference.end(), uint64_t{0});
    uint64_t target = std::max<uint64_t>(1, total / k_psi_buckets);
    std::vector<size_t> group(reference.size());
    size_t g = 0;
    uint64_t mass = 0;
    for (size_t i = 0; i < reference.size(); ++i) {
        group[i] = g;
        mass += reference[i];
        if (mass >= target && i + 1 < reference.size()) {
            ++g;
            mass = 0;
        }
    }
    // A last bucket lighter than the target joins the one before it.
    if (g > 0 && mass < target)
        for (auto& x : group)
            if (x == g)
                x = g - 1;
    return group;
}

std::vector<uint64_t> regroup(const std::vector<uint64_t>& counts,
                              const std::vector<size_t>& group) {
    std::vector<uint64_t> out(group.empty() ? 0 : group.back() + 1, 0);
    for (size_t i = 0; i < group.size() && i < counts.size(); ++i)
        out[group[i]] += counts[i];
    return out;
}

} // namespace mlci::stats
