#include <mlci/train/train_json.hpp>

namespace mlci::train {

nlohmann::json to_json(const TrainedRun& t) {
    auto& r = t.record;
    nlohmann::json metrics = nlohmann::json::object();
    for (auto& [k, v] : r.metrics)
        metrics[k] = v;
    return {{"reference", t.reference},
            {"digest", t.manifest.str()},
            {"status", to_string(r.status)},
            {"exit_code", r.exit_code},
            {"cached", t.cached},
            {"params", r.params},
            {"metrics", metrics},
            {"wall_seconds", r.wall_seconds},
            {"cache", {{"key", r.cache.key}, {"hit", r.cache.hit}, {"source", r.cache.source}}},
            {"trial", t.trial + 1},
            {"problem", t.problem}};
}

nlohmann::json to_json(const TrainResult& result) {
    nlohmann::json runs = nlohmann::json::array();
    for (auto& t : result.runs)
        runs.push_back(to_json(t));
    nlohmann::json selected = nullptr;
    if (result.selected)
        selected = result.runs[*result.selected].reference;
    nlohmann::json sweep = nullptr;
    if (!result.sweep_id.empty() || !result.shard.empty())
        sweep = {{"id", result.sweep_id},
                 {"trials", result.sweep_size},
                 {"shard", result.shard.empty() ? nlohmann::json() : nlohmann::json(result.shard)}};
    return {{"runs", runs},
            {"selected", selected},
            {"sweep", sweep},
            {"interrupted", result.interrupted != 0}};
}

std::string_view to_string(StageOutcome o) {
    switch (o) {
    case StageOutcome::succeeded:
        return "succeeded";
    case StageOutcome::failed:
        return "failed";
    case StageOutcome::skipped:
        return "skipped";
    case StageOutcome::pending:
        break;
    }
    return "not-run";
}

nlohmann::json to_json(const StagesResult& result) {
    nlohmann::json stages = nlohmann::json::array(), runs = nlohmann::json::array();
    for (auto& s : result.stages) {
        stages.push_back({{"stage", s.stage},
                          {"outcome", to_string(s.outcome)},
                          {"run", s.run ? to_json(*s.run) : nlohmann::json()}});
        if (s.run)
            runs.push_back(to_json(*s.run));
    }
    return {{"stages", stages}, {"runs", runs}, {"interrupted", result.interrupted != 0}};
}

} // namespace mlci::train
