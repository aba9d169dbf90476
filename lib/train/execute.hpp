// Inside `train`: the plan that flags and mlci.yaml resolve to, and one run
// of it (one member of a sweep). Shared by train.cpp and plan.cpp.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mlci/config/project_config.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/dependencies.hpp>
#include <mlci/train/record.hpp>
#include <mlci/train/remote_cache.hpp>
#include <mlci/train/train.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::train {

// An upstream stage's run that a stage consumes.
struct UpstreamRun {
    UpstreamRecord run;
    nlohmann::json made; // its outputs by path and content, and its metrics: in the key
};

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
    std::vector<hash::Digest> input_contents; // each input's files (train/input_content.hpp)
    std::optional<CodeRecord> code;
    std::optional<Dependencies> deps; // the code the key depends on; nothing outside git
    bool use_cache = false;           // only in git, where a code change changes the key
    bool force = false;
    bool explain = false;               // say why the cache missed
    RemoteCacheConfig remote_cache;     // --remote-cache over train.remote_cache
    const Reporter* reporter = nullptr; // notes and warnings; none when null
    std::string stage;                  // train.stages' name; empty for the one command
    std::vector<UpstreamRun> upstream;  // the runs of the stages it comes after
};

// Merges the flags over mlci.yaml, resolves inputs and reads the git state.
Result<RunPlan> make_plan(const store::Store& store, const TrainOptions& options);

// What a stage of train.stages adds to the flags and mlci.yaml.
struct StagePlanning {
    const config::StageConfig* stage = nullptr;
    std::string run_name;                  // NAME/STAGE
    std::vector<std::string> others_write; // outputs of stages it does not read: not its code
    std::vector<UpstreamRun> upstream;
};

// The plan of one stage: its command, deps, outputs, params... over the
// train section's shared name, timeout, env and remote cache.
Result<RunPlan> make_stage_plan(const store::Store& store, const TrainOptions& options,
                                const config::ProjectConfig& config, const StagePlanning& stage);

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

// `execute`, with the command's output passed on to `echo` (when set) line by
// line, each prefixed with `label`, one line at a time under `echo_mutex`:
// for runs going at once (a sweep's members, independent stages).
Result<TrainedRun> execute_labelled(store::Store& store, const RunPlan& plan, Member member,
                                    const std::string& label,
                                    const std::function<void(std::string_view)>& echo,
                                    std::mutex& echo_mutex);

// Puts a recorded run's outputs and metrics file into the project workspace.
Status restore_run_outputs(const store::Store& store, const RunPlan& plan, const Run& run);

// A fresh run id: UTC time and random digits, sortable and unique.
std::string new_run_id();

} // namespace mlci::train
