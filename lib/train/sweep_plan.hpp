// A sweep's trials and how shards split them. `mlci train --grid ... --shard
// I/N` runs in N CI jobs that never talk to each other: each must compute
// the same trials in the same order, take its own share of them, and tag
// them with the same sweep id, which a collecting job (the same command
// without --shard) computes again to find them.
#pragma once

#include <cstdint>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/train/params.hpp>
#include <mlci/train/sampling.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::train {

// Shard `index` of `total`, 1-based as GitLab's CI_NODE_INDEX / CI_NODE_TOTAL.
struct Shard {
    size_t index = 1;
    size_t total = 1;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses "I/N" (1 <= I <= N), or "auto": CI_NODE_INDEX and CI_NODE_TOTAL
// looked up in `env` (an error naming them when either is unset).
Result<Shard> parse_shard(std::string_view text, const EnvLookup& env);

// Whether trial k (0-based, in sweep order) belongs to the shard: trial k is
// shard (k mod N) + 1's, so shards get the same number of trials, give or
// take one, and adding shards keeps each trial's place in the order.
bool in_shard(size_t trial, const Shard& shard);

// The trials of a sweep as the flags define them.
struct SweepSpec {
    std::vector<GridAxis> grid;
    std::vector<SampleRange> ranges;
    size_t sample = 0; // --sample N; 0: no random search
    uint64_t seed = k_default_sample_seed;
};

// Parses --grid, --range, --sample and --seed; refuses a --range without
// --sample (and the reverse), a --seed without --sample, and a key given
// twice among the grid and the ranges.
Result<SweepSpec> parse_sweep(const std::vector<std::string>& grid,
                              const std::vector<std::string>& ranges, size_t sample,
                              std::optional<uint64_t> seed);

// Every trial in sweep order: each sampled point (in draw order) with every
// grid combination (the first axis changing slowest), so sample k's trials
// are k*G .. k*G+G-1 for a grid of G combinations. No grid and no sample:
// one empty trial.
std::vector<std::vector<Override>> sweep_trials(const SweepSpec& spec);

// Whether there is a sweep at all (a grid or a sample).
bool is_sweep(const SweepSpec& spec);

// The sweep's id: a digest of what defines its trials (the grid, ranges,
// sample count and seed) and of `base` (the run cache's facts for the runs
// before the sweep's params are applied: command, base params, inputs, code,
// ...). Neither the shard nor --select is part of it: every shard and the
// collecting job compute the same id.
std::string sweep_id(const SweepSpec& spec, const nlohmann::json& base);

} // namespace mlci::train
