// The one distribution drift checks need: chi-square, to tell a PSI that a
// small sample produces by chance from a real shift.
#pragma once

#include <cstdint>
#include <vector>

namespace mlci::stats {

// P(X >= x) for X ~ chi-square with `dof` degrees of freedom (the survival
// function; a p-value). 1 for x <= 0; dof must be positive.
double chi_square_sf(double x, double dof);

// Pearson's chi-square statistic of homogeneity of two histograms over the
// same buckets (a 2 x B table; buckets empty on both sides left out), and its
// degrees of freedom (non-empty buckets - 1). 0 and 0 when a side is empty.
struct ChiSquare {
    double statistic = 0;
    int dof = 0;
};
ChiSquare chi_square(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// The p-value of Pearson's chi-square test that two histograms over the
// same buckets come from one distribution (a 2 x B contingency table, no
// continuity correction; buckets empty on both sides are left out). PSI
// measures how far two samples differ; this says whether their sizes make
// that difference more than chance. 1 when either side is empty.
double homogeneity_p_value(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

} // namespace mlci::stats
