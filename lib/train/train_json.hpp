// The --json documents of `mlci train`: one run, a single command or a sweep,
// and train.stages. A stage's run reads as a single command's does, so that
// a tool reading "runs" needs no second reader.
#pragma once

#include <mlci/train/stages.hpp>
#include <mlci/train/train.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mlci::train {

// One run: {"reference", "digest", "status", "exit_code", "cached", "params",
// "metrics", "wall_seconds", "cache" ({"key", "hit", "source"}), "trial"
// (1-based), "problem"}.
nlohmann::json to_json(const TrainedRun& run);

// A single command or a sweep: {"runs", "selected" (the reference of the run
// --select picked, else null), "sweep" ({"id", "trials", "shard"} with
// "shard" null when not sharded; null for a single run), "interrupted"}.
nlohmann::json to_json(const TrainResult& result);

// "succeeded", "failed", "skipped", or "not-run" for a stage never started.
std::string_view to_string(StageOutcome outcome);

// train.stages: {"stages" ([{"stage", "outcome", "run" (null when none)}]),
// "runs" (the stages' runs, as a single command has them), "interrupted"}.
nlohmann::json to_json(const StagesResult& result);

} // namespace mlci::train
