// `mlci train` with train.stages: each stage is a run of its own, with its
// own cache key, run in the graph's order (train/stage_graph.hpp), independent
// stages `-j` at once. A stage's key holds what its upstream stages made, so
// a change reruns that stage and what comes after it, nothing before.
#pragma once

#include <functional>
#include <mlci/core/progress.hpp>
#include <mlci/train/stage_graph.hpp>
#include <mlci/train/train.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::train {

struct StageResult {
    std::string stage;
    StageOutcome outcome = StageOutcome::pending; // pending: not started (Ctrl-C, an error)
    std::optional<TrainedRun> run;                // when it ran or was reused
};

struct StagesResult {
    std::vector<StageResult> stages; // the selected ones, in the graph's order
    int interrupted = 0;             // the signal that stopped training; 0 when none
    bool all_succeeded() const;
};

// The run name of a stage: NAME/STAGE, NAME being --name, else train.name, else "train".
std::string stage_run_name(const std::string& name, const std::string& stage);

// True when mlci.yaml (found from `cwd`) declares train.stages.
Result<bool> has_stages(const fs::path& cwd);

// Runs the stages `wanted` (all when empty) and those they need. The flags
// that describe one command (--output, --dep, --metrics, --input, --grid...)
// are refused; --force runs the wanted stages again (all when none named),
// their upstream stages still come from the cache. `on_done` is told of each
// stage as it ends (one call at a time). Errors are those of `train_command`.
Result<StagesResult> train_stages(store::Store& store, const TrainOptions& options,
                                  const std::vector<std::string>& wanted, const Reporter& reporter,
                                  const std::function<void(const StageResult&)>& on_done);

} // namespace mlci::train
