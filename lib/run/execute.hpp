// Inside `train`: the plan that flags and mlci.yaml resolve to, and one run
// of it (one member of a sweep). Shared by train.cpp and plan.cpp.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mlci/config/project_config.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/run/dependencies.hpp>
#include <mlci/run/record.hpp>
#include <mlci/run/remote_cache.hpp>
#include <mlci/run/train.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::run {

// Everything the runs of one `mlci train` share, paths relative to `project`.
struct RunPlan {
    config::ProjectConfig config;
    fs::path project;
    std::string workdir = "."; // where the command runs
    config::CommandSpec command;
    nlohmann::json params = nlohmann::json::object(); // params file and -p, before the grid
    std::string params_file;
    std::vector<std::string> outputs;
    std::string metrics; // empty: no metrics file
    std::string name;
    std::optional<double> timeout_seconds;
    std::map<std::string, std::string> env; // train.env; in the cache key, not in the record
    std::vector<InputRecord> inputs;
    std::vector<hash::Digest> input_contents; // each input's files (run/input_content.hpp)
    std::optional<CodeRecord> code;
    std::optional<Dependencies> deps; // the code the key depends on; nothing outside git
    bool use_cache = false;           // only in git, where a code change changes the key
    bool force = false;
    bool explain = false;               // say why the cache missed
    RemoteCacheConfig remote_cache;     // --remote-cache over train.remote_cache
    const Reporter* reporter = nullptr; // notes and warnings; none when null
};

// Merges the flags over mlci.yaml, resolves inputs and reads the git state.
Result<RunPlan> make_plan(const store::Store& store, const TrainOptions& options);

// One run of the plan.
struct Member {
    nlohmann::json params;  // resolved, grid values included
    fs::path root;          // the project, or this member's mirror of it
    bool in_project = true; // outputs land in the workspace
    std::function<void(std::string_view)> echo;
    std::string sweep;  // the sweep this run belongs to; empty for a single run
    std::string select; // the sweep's --select (METRIC:max|min), for reports
    // Called just before the run is tagged NAME:vN (a sweep tags in grid order).
    std::function<void()> before_tag;
};

// The facts that the run cache keys on: what can change the outputs.
nlohmann::json cache_facts(const RunPlan& plan, const nlohmann::json& params);

// Reuses a cached run or runs the command and records it.
Result<TrainedRun> execute(store::Store& store, const RunPlan& plan, const Member& member);

// Puts a recorded run's outputs and metrics file into the project workspace.
Status restore_run_outputs(const store::Store& store, const RunPlan& plan, const Run& run);

// A fresh run id: UTC time and random digits, sortable and unique.
std::string new_run_id();

} // namespace mlci::run
