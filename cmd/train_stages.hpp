// `mlci train [STAGE...]` when mlci.yaml declares train.stages.
#pragma once

#include "context.hpp"

#include <mlci/train/train.hpp>
#include <string>
#include <vector>

namespace mlci::cli {

// Runs the stages (all, or `wanted` and what they need), says one line per
// stage on stderr, prints the runs' references on stdout and sets the exit.
void run_train_stages(Context& ctx, const train::TrainOptions& options,
                      const std::vector<std::string>& wanted);

// The man page's paragraph on train.stages.
std::string stages_doc();

} // namespace mlci::cli
