// The runs in the store, for `mlci log` and `mlci metrics diff`.
#pragma once

#include <mlci/train/params.hpp>
#include <mlci/train/record.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::train {

// Every run (once per manifest, named by its NAME:vN tag), newest first;
// only runs named `name` when it is given.
Result<std::vector<Run>> list_runs(const store::Store& store, const std::string& name);

// The run recorded before `run` under its name: the highest NAME:vK with K
// below its own N. Nothing when it is the first.
Result<std::optional<Run>> previous_run(const store::Store& store, const Run& run);

// The run `entry` names, with its NAME:vN entry when it has one (a
// reference to NAME:latest still shows as NAME:vN).
Result<Run> load_run_named(const store::Store& store, const store::IndexEntry& entry);

struct ParamChange {
    std::string name;
    std::optional<nlohmann::json> old_value, new_value; // empty when the run lacks it
    bool changed() const { return old_value != new_value; }
};

// One entry per flattened param name in either run, sorted by name.
std::vector<ParamChange> diff_params(const nlohmann::json& old_params,
                                     const nlohmann::json& new_params);

} // namespace mlci::train
