// A sweep's trials, its id, and which of them a shard runs.
#include <charconv>
#include <mlci/core/text.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/sweep_plan.hpp>
#include <set>

namespace mlci::train {

namespace {

std::optional<size_t> shard_number(std::string_view text) {
    auto t = trim(text);
    size_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size())
        return {};
    return v;
}

} // namespace

Result<Shard> parse_shard(std::string_view text, const EnvLookup& env) {
    if (text == "auto") {
        auto index = env("CI_NODE_INDEX");
        auto total = env("CI_NODE_TOTAL");
        if (!index || !total)
            return usage_error("--shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL, and '{}' is "
                               "not set (GitLab sets both in a job with 'parallel: N'; elsewhere "
                               "give --shard I/N)",
                               index ? "CI_NODE_TOTAL" : "CI_NODE_INDEX");
        auto i = shard_number(*index), n = shard_number(*total);
        if (!i || !n || *i < 1 || *n < 1 || *i > *n)
            return usage_error("invalid shard from CI_NODE_INDEX '{}' and CI_NODE_TOTAL '{}': "
                               "expected 1 <= index <= total",
                               *index, *total);
        return Shard{*i, *n};
    }
    auto slash = text.find('/');
    std::optional<size_t> i, n;
    if (slash != std::string_view::npos) {
        i = shard_number(text.substr(0, slash));
        n = shard_number(text.substr(slash + 1));
    }
    if (!i || !n || *i < 1 || *n < 1 || *i > *n)
        return usage_error("invalid --shard '{}': expected I/N with 1 <= I <= N (1/3, 2/3, 3/3) "
                           "or auto",
                           text);
    return Shard{*i, *n};
}

bool in_shard(size_t trial, const Shard& shard) {
    return trial % shard.total + 1 == shard.index;
}

Result<SweepSpec> parse_sweep(const std::vector<std::string>& grid,
                              const std::vector<std::string>& ranges, size_t sample,
                              std::optional<uint64_t> seed) {
    SweepSpec spec;
    std::set<std::string> keys;
    auto claim = [&](const std::string& key) -> Status {
        if (!keys.insert(key).second)
            return usage_error("the param '{}' is swept twice: give it in one --grid or --range",
                               key);
        return {};
    };
    for (auto& g : grid) {
        MLCI_TRY_ASSIGN(axis, parse_grid_axis(g));
        MLCI_TRY(claim(axis.key));
        spec.grid.push_back(std::move(axis));
    }
    for (auto& r : ranges) {
        MLCI_TRY_ASSIGN(range, parse_sample_range(r));
        MLCI_TRY(claim(range.key));
        spec.ranges.push_back(std::move(range));
    }
    if (!spec.ranges.empty() && sample == 0)
        return usage_error("--range needs --sample N: how many trials to draw");
    if (spec.ranges.empty() && sample > 0)
        return usage_error("--sample needs a --range to draw from (KEY=uniform:A,B, "
                           "KEY=loguniform:A,B, KEY=int:A,B or KEY=choice:V1,V2,...)");
    if (seed && sample == 0)
        return usage_error("--seed needs --sample: it seeds the draw of random search");
    spec.sample = sample;
    spec.seed = seed.value_or(k_default_sample_seed);
    return spec;
}

bool is_sweep(const SweepSpec& spec) {
    return !spec.grid.empty() || spec.sample > 0;
}

std::vector<std::vector<Override>> sweep_trials(const SweepSpec& spec) {
    auto grid = expand_grid(spec.grid);
    if (spec.sample == 0)
        return grid;
    std::vector<std::vector<Override>> trials;
    for (auto& point : sample_points(spec.ranges, spec.sample, spec.seed))
        for (auto& combo : grid) {
            auto trial = point;
            trial.insert(trial.end(), combo.begin(), combo.end());
            trials.push_back(std::move(trial));
        }
    return trials;
}

std::string sweep_id(const SweepSpec& spec, const nlohmann::json& base) {
    nlohmann::json grid = nlohmann::json::array();
    for (auto& axis : spec.grid)
        grid.push_back({{"key", axis.key}, {"values", axis.values}});
    nlohmann::json ranges = nlohmann::json::array();
    for (auto& r : spec.ranges)
        ranges.push_back(to_json(r));
    nlohmann::json facts = {{"v", 1}, {"base", base}, {"grid", grid}};
    if (spec.sample > 0)
        facts["sample"] = {{"count", spec.sample}, {"seed", spec.seed}, {"ranges", ranges}};
    return cache_key(facts).short_hex(20);
}

} // namespace mlci::train
