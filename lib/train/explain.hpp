// `train --explain`: why the run cache missed. The run is compared with the
// closest earlier succeeded run of the same name (the one with the fewest
// differences, the newest of those), fact by fact: command, working folder,
// params, input datasets, the files it depends on, outputs.
#pragma once

#include <mlci/train/execute.hpp>
#include <string>
#include <vector>

namespace mlci::train {

// The differences between what `plan` with `params` would run and the run
// `earlier` recorded, one line each; empty when the recorded facts agree
// (then what differs is not recorded: train.env, the platform, mlci's key).
std::vector<std::string> run_differences(const store::Store& store, const RunPlan& plan,
                                         const nlohmann::json& params, const RunRecord& earlier);

// Says on the plan's reporter why `key` missed.
void explain_miss(const store::Store& store, const RunPlan& plan, const nlohmann::json& params,
                  const hash::Digest& key);

} // namespace mlci::train
