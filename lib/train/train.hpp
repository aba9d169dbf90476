// `mlci train`: run a training command reproducibly and record it as a run
// artifact, or reuse an earlier run with the same inputs (the run cache), or
// run a grid of params (a sweep) and pick the best.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

// What the flags say; anything left empty comes from mlci.yaml's train section.
struct TrainOptions {
    fs::path cwd;
    config::CommandSpec command;     // after "--"
    std::vector<std::string> inputs; // --input NAME|REF|ALIAS=REF
    std::optional<std::string> params_file;
    std::vector<std::string> overrides; // -p KEY=VALUE
    std::vector<std::string> outputs;   // --output PATH
    std::vector<std::string> deps;      // --dep PATH|GLOB: what the cache keys on
    std::optional<std::string> metrics; // --metrics FILE
    std::string name;
    std::optional<double> timeout_seconds;
    bool force = false;              // run even when the cache has the run
    bool explain = false;            // say why the cache missed
    std::string remote_cache;        // --remote-cache (or MLCI_REMOTE_CACHE)
    bool plain_http = false;         // for the remote cache
    std::vector<std::string> grid;   // --grid KEY=V1,V2
    unsigned jobs = 1;               // sweep members at once
    std::string select;              // METRIC:max|min
    std::vector<std::string> ranges; // --range KEY=KIND:ARGS (random search)
    size_t sample = 0;               // --sample N: trials drawn from the ranges
    std::optional<uint64_t> seed;    // --seed S (default k_default_sample_seed)
    std::string shard;               // --shard I/N or auto; empty: the whole sweep
    // The command's output as it comes (mlci prints it on stderr); empty: not shown.
    std::function<void(std::string_view)> echo;
};

struct TrainedRun {
    std::string reference; // NAME:vN
    hash::Digest manifest;
    RunRecord record;
    bool cached = false; // an earlier run was reused: nothing ran, nothing new recorded
    std::string problem; // why a run that exited 0 still failed (an output missing)
    size_t trial = 0;    // its place in the sweep (0-based, whole sweep)
};

struct TrainResult {
    std::vector<TrainedRun>
        runs; // one per trial (of the shard), in sweep order; may stop short on Ctrl-C
    std::optional<size_t> selected; // the best run by --select
    size_t planned = 0;             // how many runs this invocation has (its shard's)
    size_t sweep_size = 1;          // how many trials the whole sweep has
    std::string sweep_id;           // empty for a single run
    std::string shard;              // "I/N" when sharded, else empty
    int interrupted = 0;            // the signal that stopped training; 0 when none
    bool all_succeeded() const;
};

// Parses --select's "METRIC:max" or "METRIC:min" (max when no suffix).
struct Selector {
    std::string metric;
    bool maximise = true;
};
Result<Selector> parse_selector(std::string_view text);

// Runs (or reuses) the training run(s) of one command that the options and
// mlci.yaml describe: one run or a sweep (train.stages: train_stages).
// Errors are for what stops training before a run starts (bad flags,
// malformed files, unknown inputs: exit 2; command not found: exit 3); a run
// that fails is recorded and reported in the result.
Result<TrainResult> train_command(store::Store& store, const TrainOptions& options,
                                  const Reporter& reporter);

// The run name a command gives by default: the script a known interpreter
// runs ("train" for `python3 src/train.py`), else the program's name.
std::string default_run_name(const config::CommandSpec& command);

} // namespace mlci::train
