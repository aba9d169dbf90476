// train.stages as a graph: which stage runs after which, the stages one
// `mlci train STAGE` needs, and running them in that order, independent ones
// at once. A stage depends on another when it says so (`needs:`) or when one
// of its deps is (or lies in, or holds) one of the other's outputs or its
// metrics file, as DVC infers it.
#pragma once

#include <cstddef>
#include <functional>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <string>
#include <vector>

namespace mlci::train {

struct StageGraph {
    std::vector<config::StageConfig> stages;   // in an order where upstream comes first
    std::vector<std::vector<size_t>> upstream; // direct upstream stages, by index in `stages`

    // The index of the stage `name`, or npos.
    size_t find(std::string_view name) const;
};

// Orders the stages (keeping file order where the graph leaves a choice).
// Usage errors: a need that names no stage, two stages writing one path, a
// cycle (named stage by stage).
Result<StageGraph> make_stage_graph(std::vector<config::StageConfig> stages);

// The stages to run for `wanted` (all when empty) and everything upstream of
// them, in graph order. A usage error for a name that is not a stage.
Result<std::vector<size_t>> select_stages(const StageGraph& graph,
                                          const std::vector<std::string>& wanted);

enum class StageOutcome { pending, succeeded, failed, skipped };

// Runs `run(i)` for each selected stage once its upstream stages succeeded,
// `jobs` at once. `run` returns true when the stage succeeded; a stage whose
// upstream failed or was skipped is skipped. `stop()` true: start nothing
// new (Ctrl-C). The outcome of every stage, by index in the graph; the first
// error `run` returned stops new starts and is returned once the started
// ones end.
Result<std::vector<StageOutcome>> run_stage_graph(const StageGraph& graph,
                                                  const std::vector<size_t>& selected,
                                                  unsigned jobs,
                                                  const std::function<Result<bool>(size_t)>& run,
                                                  const std::function<bool()>& stop = {});

} // namespace mlci::train
