// Random search: a generator and mappings to numbers that give the same bits
// on every machine and compiler (see sampling.hpp for why).
#include <algorithm>
#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <mlci/core/text.hpp>
#include <mlci/train/sampling.hpp>

// Every operation below must round once to a double: no x87 extended precision.
static_assert(FLT_EVAL_METHOD == 0, "sampling needs double arithmetic rounded to double");
static_assert(std::numeric_limits<double>::is_iec559, "sampling needs IEEE-754 doubles");

namespace mlci::train {

namespace {

// ln 2 split as Cody and Waite do: the high part has 32 significant bits, so
// that k * high is exact for the exponents met here.
constexpr double k_ln2_hi = 0x1.62e42fee00000p-1;
constexpr double k_ln2_lo = 0x1.a39ef35793c76p-33;
constexpr double k_ln2 = 0x1.62e42fefa39efp-1;
constexpr double k_sqrt_half = 0x1.6a09e667f3bcdp-1;

Result<double> sampling_double(std::string_view text, std::string_view whole) {
    auto t = trim(text);
    double v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v))
        return usage_error("invalid --range '{}': '{}' is not a finite number", whole, t);
    return v;
}

Result<int64_t> sampling_int(std::string_view text, std::string_view whole) {
    auto t = trim(text);
    if (t.starts_with('+'))
        t.remove_prefix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size())
        return usage_error("invalid --range '{}': '{}' is not an integer", whole, t);
    return v;
}

} // namespace

uint64_t SplitMix64::next() {
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Xoshiro256::Xoshiro256(uint64_t seed) {
    SplitMix64 sm(seed);
    for (auto& s : m_s)
        s = sm.next();
}

uint64_t Xoshiro256::next() {
    auto& s = m_s;
    uint64_t result = std::rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = std::rotl(s[3], 45);
    return result;
}

double Xoshiro256::unit() {
    return static_cast<double>(next() >> 11) * 0x1.0p-53; // both steps exact
}

uint64_t Xoshiro256::below(uint64_t span) {
    if (span == 0)
        return next();
    // Accept only draws from the largest multiple of span below 2^64, so
    // that every remainder is equally likely. (2^64 - span) % span is 2^64 % span.
    uint64_t threshold = (0 - span) % span;
    for (;;)
        if (uint64_t x = next(); x >= threshold)
            return x % span;
}

double portable_log(double x) {
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1).
    int e = 0;
    double m = std::frexp(x, &e); // exact
    if (m < k_sqrt_half) {
        m *= 2; // exact
        --e;
    }
    double s = (m - 1) / (m + 1); // |s| < 0.172
    double z = s * s;             // < 0.0295: 17 terms reach far below an ulp
    // 2 atanh(s) = 2 s (1 + z/3 + z^2/5 + ...), by Horner from the last term.
    constexpr int k_terms = 17;
    double p = 1.0 / (2 * k_terms + 1);
    for (int i = k_terms - 1; i >= 0; --i)
        p = std::fma(p, z, 1.0 / (2 * i + 1));
    double log_m = 2 * s * p;
    auto ed = static_cast<double>(e);
    return std::fma(ed, k_ln2_hi, std::fma(ed, k_ln2_lo, log_m));
}

double portable_exp(double y) {
    // y = k ln2 + r with |r| <= ln2 / 2: exp y = 2^k exp r, exp r by its series.
    double k = std::round(y / k_ln2); // std::round ignores the rounding mode
    double r = std::fma(-k, k_ln2_hi, y);
    r = std::fma(-k, k_ln2_lo, r);
    constexpr int k_terms = 22; // 0.35^22 / 22! is far below an ulp
    std::array<double, k_terms + 1> inverse_factorial{};
    inverse_factorial[0] = 1;
    for (int n = 1; n <= k_terms; ++n)
        inverse_factorial[static_cast<size_t>(n)] =
            inverse_factorial[static_cast<size_t>(n - 1)] / n;
    double p = inverse_factorial[k_terms];
    for (int n = k_terms - 1; n >= 0; --n)
        p = std::fma(p, r, inverse_factorial[static_cast<size_t>(n)]);
    return std::ldexp(p, static_cast<int>(k)); // exact unless the result is subnormal
}

Result<SampleRange> parse_sample_range(std::string_view text) {
    auto usage = [&] {
        return usage_error("invalid --range '{}': expected KEY=uniform:A,B, "
                           "KEY=loguniform:A,B, KEY=int:A,B or KEY=choice:V1,V2,...",
                           text);
    };
    auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return usage();
    auto spec = text.substr(eq + 1);
    auto colon = spec.find(':');
    if (colon == std::string_view::npos)
        return usage();
    auto kind = trim(spec.substr(0, colon));
    auto args = spec.substr(colon + 1);
    SampleRange range;
    // The key and, for a choice, the values are read as --grid reads them.
    auto as_grid = parse_grid_axis(std::string(text.substr(0, eq)) + "=" +
                                   (kind == "choice" ? std::string(args) : "0"));
    if (!as_grid)
        return usage_error("invalid --range '{}': {}", text, as_grid.error().message);
    range.key = as_grid->key;
    if (kind == "choice") {
        range.kind = SampleRange::Kind::choice;
        range.items = std::move(as_grid->values);
        if (range.items.empty())
            return usage_error("invalid --range '{}': choice needs a value", text);
        return range;
    }
    auto comma = args.find(',');
    if (comma == std::string_view::npos || args.find(',', comma + 1) != std::string_view::npos)
        return usage_error("invalid --range '{}': {} takes two bounds, A,B", text, kind);
    auto a = args.substr(0, comma), b = args.substr(comma + 1);
    if (kind == "int") {
        range.kind = SampleRange::Kind::integer;
        MLCI_TRY_ASSIGN(first, sampling_int(a, text));
        MLCI_TRY_ASSIGN(last, sampling_int(b, text));
        if (first > last)
            return usage_error("invalid --range '{}': expected A <= B", text);
        range.first = first;
        range.last = last;
        return range;
    }
    if (kind == "uniform")
        range.kind = SampleRange::Kind::uniform;
    else if (kind == "loguniform")
        range.kind = SampleRange::Kind::loguniform;
    else
        return usage();
    MLCI_TRY_ASSIGN(low, sampling_double(a, text));
    MLCI_TRY_ASSIGN(high, sampling_double(b, text));
    if (!(low < high))
        return usage_error("invalid --range '{}': expected A < B", text);
    if (range.kind == SampleRange::Kind::loguniform && !(low > 0))
        return usage_error("invalid --range '{}': loguniform needs 0 < A", text);
    if (!std::isfinite(high - low))
        return usage_error("invalid --range '{}': the range is too wide", text);
    range.low = low;
    range.high = high;
    return range;
}

nlohmann::json to_json(const SampleRange& range) {
    switch (range.kind) {
    case SampleRange::Kind::uniform:
        return {{"key", range.key}, {"kind", "uniform"}, {"args", {range.low, range.high}}};
    case SampleRange::Kind::loguniform:
        return {{"key", range.key}, {"kind", "loguniform"}, {"args", {range.low, range.high}}};
    case SampleRange::Kind::integer:
        return {{"key", range.key}, {"kind", "int"}, {"args", {range.first, range.last}}};
    case SampleRange::Kind::choice:
        return {{"key", range.key}, {"kind", "choice"}, {"args", range.items}};
    }
    return nullptr;
}

std::vector<std::vector<Override>> sample_points(const std::vector<SampleRange>& ranges,
                                                 size_t count, uint64_t seed) {
    Xoshiro256 rng(seed);
    std::vector<std::vector<Override>> points;
    points.reserve(count);
    for (size_t k = 0; k < count; ++k) {
        std::vector<Override> point;
        for (auto& r : ranges) {
            nlohmann::json value;
            switch (r.kind) {
            case SampleRange::Kind::uniform:
                value = std::clamp(std::fma(rng.unit(), r.high - r.low, r.low), r.low, r.high);
                break;
            case SampleRange::Kind::loguniform: {
                double la = portable_log(r.low), lb = portable_log(r.high);
                value = std::clamp(portable_exp(std::fma(rng.unit(), lb - la, la)), r.low, r.high);
                break;
            }
            case SampleRange::Kind::integer: {
                // Modular arithmetic: the span of [INT64_MIN, INT64_MAX] wraps to 0 (2^64).
                uint64_t span = static_cast<uint64_t>(r.last) - static_cast<uint64_t>(r.first) + 1;
                value = static_cast<int64_t>(static_cast<uint64_t>(r.first) + rng.below(span));
                break;
            }
            case SampleRange::Kind::choice:
                value = r.items[rng.below(r.items.size())];
                break;
            }
            point.push_back({r.key, std::move(value)});
        }
        points.push_back(std::move(point));
    }
    return points;
}

} // namespace mlci::train
