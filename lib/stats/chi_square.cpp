#include <algorithm>
#include <cmath>
#include <mlci/stats/chi_square.hpp>

namespace mlci::stats {

namespace {

// The regularized lower incomplete gamma P(a, x) by its series (x < a + 1)
// and the upper Q(a, x) by Lentz's continued fraction (x >= a + 1), each
// where it converges fast (Numerical Recipes, 6.2).
double gamma_p_series(double a, double x) {
    double sum = 1 / a, term = sum;
    for (int n = 1; n < 1000; ++n) {
        term *= x / (a + n);
        sum += term;
        if (std::abs(term) < std::abs(sum) * 1e-15)
            break;
    }
    return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

double gamma_q_fraction(double a, double x) {
    constexpr double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 1000; ++i) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (std::abs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (std::abs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1) < 1e-15)
            break;
    }
    return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

} // namespace

double chi_square_sf(double x, double dof) {
    if (!(x > 0))
        return 1;
    double a = dof / 2, half = x / 2;
    double q = half < a + 1 ? 1 - gamma_p_series(a, half) : gamma_q_fraction(a, half);
    return std::fmin(1, std::fmax(0, q));
}

ChiSquare chi_square(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    double n = 0, m = 0;
    for (auto x : a)
        n += static_cast<double>(x);
    for (auto x : b)
        m += static_cast<double>(x);
    if (n == 0 || m == 0)
        return {};
    ChiSquare out;
    int buckets = 0;
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        double x = i < a.size() ? static_cast<double>(a[i]) : 0;
        double y = i < b.size() ? static_cast<double>(b[i]) : 0;
        if (x + y == 0)
            continue;
        ++buckets;
        double ex = (x + y) * n / (n + m), ey = (x + y) * m / (n + m);
        out.statistic += (x - ex) * (x - ex) / ex + (y - ey) * (y - ey) / ey;
    }
    out.dof = std::max(0, buckets - 1);
    return out;
}

double homogeneity_p_value(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    auto c = chi_square(a, b);
    return c.dof < 1 ? 1 : chi_square_sf(c.statistic, c.dof);
}

} // namespace mlci::stats
