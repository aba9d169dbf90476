// mlci.yaml: the project file that lets each CI step be one line. Every
// setting here also has a flag; commands apply flags over what this holds.
//
//   datasets:
//     iris:
//       path: data/iris.csv
//       schema: {columns: {...}, rows: {min: 100}, unique: [id]}
//       reference: iris:v1          # profile to check drift against
//       max_drift: 0.2              # PSI limit for the drift check
//   params: params.yaml             # a file, or an inline map
//   train:
//     command: [/usr/bin/python3, train.py]   # a list (exec) or a string (sh -c)
//     inputs: [iris]
//     outputs: [model.pkl]
//     metrics: metrics.json
//     name: iris-classifier
//     timeout: 600
//     env: {KEY: value}
//     deps: [src/, requirements.txt]  # what the run cache keys on (default: the code git shows)
//     remote_cache: registry.example.com/team/ml-cache   # a run cache shared by CI runners
//   # or, instead of command/inputs/outputs/metrics/deps, named stages (one run each):
//   train:
//     name: iris                    # the stages' runs are iris/prepare, iris/fit, ...
//     stages:
//       prepare: {command: ..., deps: [prepare.py], outputs: [data/clean.csv]}
//       fit:     {command: ..., deps: [fit.py, data/clean.csv], outputs: [model.pkl],
//                 params: [lr]}     # needs prepare: a dep is its output
//       report:  {command: ..., needs: [fit], metrics: metrics.json}
//   test:
//     suites:
//       unit: {command: [...], junit: reports/unit.xml}
//     data: [iris]
//   validate:
//     require: ["accuracy >= 0.9"]
//     baseline: production
//     max_regression: {accuracy: 0.02}
//   gc:
//     keep_last: 5                  # gc keeps the 5 newest versions of each name
//   remotes:                        # where push and pull go without a destination
//     origin: registry.example.com/team/ml
//     local: {url: localhost:5000/team, plain_http: true, default: true}
//
// The sections `package:` (package_config.hpp), `environments:`
// (environment_config.hpp) and `watch:` (watch_config.hpp) have a file each.
// This is the one reader of mlci.yaml: each step takes its section from the
// ProjectConfig and resolves its flags over it (flags win key by key; a
// section's defaults live with the step that applies them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mlci/config/command_spec.hpp>
#include <mlci/config/environment_config.hpp>
#include <mlci/config/package_config.hpp>
#include <mlci/config/watch_config.hpp>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

namespace fs = std::filesystem;

// The data-check schema of a dataset (issue: mlci test).
struct ColumnRule {
    std::optional<std::string> type; // int|number|string|bool
    std::optional<double> min, max;
    std::vector<std::string> allowed;
    std::optional<bool> nullable;
    std::optional<double> max_null_fraction;
};

struct Schema {
    std::map<std::string, ColumnRule> columns;
    std::optional<uint64_t> rows_min, rows_max;
    std::optional<uint64_t> max_duplicates; // rows.max_duplicates: duplicate rows allowed
    std::vector<std::string> unique;
};

struct DatasetConfig {
    std::string name;
    std::string path; // relative to the project root
    std::optional<Schema> schema;
    std::string reference; // a dataset reference whose profile is the drift baseline
    std::optional<double> max_drift;
};

// One stage of train.stages: a command of its own, run as a run of its own.
struct StageConfig {
    std::string name;
    std::string where; // "mlci.yaml:LINE: ", for errors about the graph
    CommandSpec command;
    std::vector<std::string> needs;  // stages it runs after, besides those its deps name
    std::vector<std::string> inputs; // as TrainConfig's
    std::vector<std::string> outputs;
    std::string metrics;
    std::vector<std::string> deps;
    std::vector<std::string> params; // the param keys it reads (dotted); it gets no other
    std::optional<double> timeout_seconds;
    std::map<std::string, std::string> env; // over train.env
};

struct TrainConfig {
    CommandSpec command;
    std::vector<std::string> inputs; // dataset names (from datasets:) or references
    std::vector<std::string> outputs;
    std::string metrics;
    std::string name;
    std::optional<double> timeout_seconds;
    std::map<std::string, std::string> env;
    std::vector<std::string> deps;   // what the run depends on (train/dependencies.hpp)
    std::string remote_cache;        // HOST[:PORT]/REPO or oci:PATH of a shared run cache
    std::vector<StageConfig> stages; // in file order; empty: the one command above
};

struct TestSuite {
    std::string name;
    CommandSpec command;
    std::string junit; // the JUnit XML file the command writes
};

struct TestConfig {
    std::vector<TestSuite> suites;
    std::vector<std::string> data; // dataset names to check against their schemas
};

struct ValidateConfig {
    std::vector<std::string> require; // "METRIC OP VALUE"
    std::string baseline;
    std::map<std::string, double> max_regression;
};

// gc: what `mlci gc` keeps besides what is reachable.
struct GcConfig {
    std::optional<unsigned> keep_last; // versions NAME:vN kept per name (--keep-last)
};

// A named remote (`mlci remote`): a registry HOST[:PORT]/REPO or oci:PATH.
struct RemoteConfig {
    std::string name;
    std::string url;
    bool plain_http = false;
    bool is_default = false;
};

struct ProjectConfig {
    fs::path file; // where it was read from; empty when there is none
    fs::path root; // its folder
    std::vector<DatasetConfig> datasets;
    std::string params_file;                  // params: FILE
    std::map<std::string, YAML::Node> params; // params: {inline}
    std::optional<TrainConfig> train;
    std::optional<TestConfig> test;
    std::optional<ValidateConfig> validate;
    GcConfig gc;
    std::vector<RemoteConfig> remotes; // in file order
    std::optional<PackageConfig> package;
    std::vector<EnvironmentConfig> environments;
    std::optional<WatchConfig> watch;

    const DatasetConfig* dataset(const std::string& name) const;
};

// Reads mlci.yaml at `file`. Unknown keys and wrong types are usage errors
// naming file:line and the key.
Result<ProjectConfig> load_project_config(const fs::path& file);
Result<ProjectConfig> parse_project_config(const std::string& text, const fs::path& file);

// Finds mlci.yaml in `dir` or above; an empty ProjectConfig (root = `dir`) when none.
Result<ProjectConfig> find_project_config(const fs::path& dir);

// Parses a schema node (also used for --schema FILE).
Result<Schema> parse_schema(const YAML::Node& node, const fs::path& file);
Result<Schema> load_schema(const fs::path& file);

} // namespace mlci::config
