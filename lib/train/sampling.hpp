// Random search (`mlci train --sample N --range KEY=KIND:ARGS`): params
// drawn from ranges by a seeded generator. Shards of a sweep run on other
// machines and must agree on every trial without talking, so the draw is
// defined here bit for bit: a generator written out (no std::mt19937 seeding
// or std::*_distribution, whose results the standard leaves to each library)
// and mappings to numbers that use only correctly rounded IEEE-754
// operations (no std::exp or std::log, whose last bit differs between libms).
#pragma once

#include <array>
#include <cstdint>
#include <mlci/core/error.hpp>
#include <mlci/train/params.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::train {

// The seed of --sample when --seed is not given.
inline constexpr uint64_t k_default_sample_seed = 0;

// SplitMix64 (Steele, Lea, Flood 2014): expands one 64-bit seed into the
// state of the generator below, as its authors recommend.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : m_state(seed) {}
    uint64_t next();

private:
    uint64_t m_state;
};

// xoshiro256** 1.0 (Blackman, Vigna 2018): small, fast, and its output is
// defined by its few lines of integer arithmetic on any platform.
class Xoshiro256 {
public:
    explicit Xoshiro256(uint64_t seed);
    uint64_t next();
    // A double in [0, 1): the top 53 bits times 2^-53, every value equally likely.
    double unit();
    // An integer in [0, span) without bias (rejection); span 0 means 2^64.
    uint64_t below(uint64_t span);

private:
    std::array<uint64_t, 4> m_s{};
};

// log and exp from +, -, *, / and fma only, each correctly rounded by
// IEEE-754, so every machine gets the same bits (a few ulp from the true
// value: plenty for drawing a learning rate). For finite x > 0, and y with
// a finite result.
double portable_log(double x);
double portable_exp(double y);

struct SampleRange {
    enum class Kind { uniform, loguniform, integer, choice };
    std::string key;
    Kind kind = Kind::uniform;
    double low = 0, high = 0;          // uniform, loguniform
    int64_t first = 0, last = 0;       // integer, both included
    std::vector<nlohmann::json> items; // choice
};

// Parses "KEY=uniform:A,B", "KEY=loguniform:A,B" (0 < A), "KEY=int:A,B"
// (both included) or "KEY=choice:V1,V2,..." (values typed as --grid's).
Result<SampleRange> parse_sample_range(std::string_view text);

// The range as given, for the sweep's identity: {"key", "kind", "args"}.
nlohmann::json to_json(const SampleRange& range);

// `count` points, each drawing the ranges in order from one generator seeded
// with `seed`. Point k is the same whatever `count` (k < count) is, so a
// larger --sample extends a sweep without changing its first points.
std::vector<std::vector<Override>> sample_points(const std::vector<SampleRange>& ranges,
                                                 size_t count, uint64_t seed);

} // namespace mlci::train
