// `mlci init --example`: a commented mlci.yaml for the project in a folder,
// from what is there (a training script, data folders, params, tests,
// requirements). It is a start to edit, not a guess to trust: every key it
// writes says what it is for.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::project {

namespace fs = std::filesystem;

// What the folder holds, paths relative to it.
struct ProjectScan {
    std::string name;                  // the folder's name, as a tag-safe name
    std::string script;                // the training script; empty when none was found
    std::vector<std::string> datasets; // files and folders under data folders
    std::string params;                // params.yaml / params.json
    std::string requirements;          // requirements.txt, pyproject.toml, environment.yml
    std::string tests;                 // a tests folder with test_*.py
    std::vector<std::string> outputs;  // model files the script names
    std::string metrics;               // the metrics file the script names
};

ProjectScan scan_project(const fs::path& dir);

// The commented mlci.yaml for `scan`; it parses as a project config.
std::string example_config(const ProjectScan& scan);

// Writes DIR/mlci.yaml from what DIR holds; a usage error, and nothing
// written, when mlci.yaml exists.
Result<ProjectScan> write_example(const fs::path& dir);

// What `mlci init` did.
struct InitReport {
    fs::path store;                 // the store's root
    bool created = false;           // false: a store was there already
    bool gitignore = false;         // '/.mlci' was added to the project's .gitignore
    std::optional<fs::path> config; // the mlci.yaml --example wrote
};

// `mlci init --json`: {"store", "created", "gitignore"}, and "config" when
// one was written.
nlohmann::json to_json(const InitReport& report);

} // namespace mlci::project
