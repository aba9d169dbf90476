// `mlci status`: the whole project at a glance. Where each dataset's pointer
// file stands against the workspace, whether training now would reuse a
// cached run, which succeeded runs wait for validation, and what each
// environment runs.
#pragma once

#include <filesystem>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::project {

namespace fs = std::filesystem;

struct DatasetStatus {
    std::string name;     // the dataset the pointer records (or mlci.yaml names)
    std::string path;     // the data, relative to the project
    std::string pointer;  // the pointer file, relative to the project; empty: none
    std::string version;  // NAME:vN of the pointer's content; empty when no tag has it
    uint64_t changed = 0; // files that differ from the pointer's version
    bool versioned() const { return !pointer.empty(); }
    bool clean() const { return versioned() && changed == 0; }
};

struct TrainStatus {
    std::string name;    // the run name train would record
    std::string cache;   // "hit", "miss", "off" (not in git) or "unknown" (see problem)
    std::string run;     // the cached run (NAME:vN) on a hit
    std::string problem; // why the plan could not be made
};

struct AwaitingRun {
    std::string reference; // NAME:vN
    std::string ended;
};

struct EnvironmentStatus {
    std::string environment;
    std::string package;    // the package it runs (reference as deployed); empty: none
    std::string deployment; // deploy-ENV:vN of that deployment
    std::string finished;
    std::string last_outcome; // the newest deployment's outcome when it is not the running one
};

struct ProjectStatus {
    fs::path root;
    std::vector<DatasetStatus> datasets;
    std::optional<TrainStatus> train; // none without a train section
    std::vector<AwaitingRun> awaiting;
    std::vector<EnvironmentStatus> environments;

    nlohmann::json to_json() const;
};

// Reads the project found from `cwd`. Hashes only the data files whose stat
// changed since the last look (the data-version status cache).
Result<ProjectStatus> project_status(store::Store& store, const fs::path& cwd, unsigned jobs,
                                     const Reporter& reporter);

} // namespace mlci::project
