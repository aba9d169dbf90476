// What `mlci train` says of a run on stderr (train/train_json.hpp has its
// --json); shared by the one-command form and train.stages.
#pragma once

#include <mlci/train/train.hpp>
#include <string>

namespace mlci::cli {

// Up to `max` metrics as "name value, ...".
std::string metrics_line(const train::RunRecord& r, size_t max = 4);
// One line on a run: reused (from where), or its status and resources, and
// for one that did not succeed, why and where its log is.
std::string summary(const train::TrainedRun& t);

} // namespace mlci::cli
