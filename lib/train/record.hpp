// The run artifact (ARCHITECTURE.md §1), a contract that `validate`, `log`,
// `metrics diff` and `lineage` read:
//
//   manifest  artifactType application/vnd.mlci.run.v1
//     config  application/vnd.mlci.run.config.v1+json: the run record below
//     layers  outputs file list (k_media_file_list, title "outputs"),
//             log (text/plain, title "log"),
//             metrics file (application/json or application/yaml, title = its name)
//     annotations  dev.mlci.kind=run, dev.mlci.name, dev.mlci.status,
//             org.opencontainers.image.created, org.opencontainers.image.revision,
//             dev.mlci.metric.<name>=<value> per metric,
//             dev.mlci.lineage.inputs = the input dataset manifests, comma-separated,
//             dev.mlci.cache.key, dev.mlci.run.id
//
//   record {"kind":"run","id","name","status":"succeeded"|"failed"|"timeout"|"interrupted",
//           "exit_code","signal","command":[argv...] or "shell string","workdir",
//           "params":{...},"params_file","inputs":[{"name","reference","digest","paths"}],
//           "code":{"commit","branch","dirty","diff_digest","remote"} or null,
//           "environment":{"host","os","arch","cpus","memory_bytes","mlci","python",...},
//           "started","ended","wall_seconds","cpu_seconds","max_rss_bytes",
//           "timeout_seconds","outputs":[{"path","size","digest"}],
//           "metrics":{"accuracy":0.95,"train.rows":105},"metrics_file",
//           "cache":{"key","hit","source","deps":{path:id}},"tool",
//           a stage of train.stages only: "stage", "upstream":[{"stage","reference","digest"}]}
//   A stage's run also has dev.mlci.lineage.stages = its upstream stages' runs.
#pragma once

#include <map>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/metrics.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::train {

inline constexpr const char* k_media_run_config = "application/vnd.mlci.run.config.v1+json";
inline constexpr const char* k_media_log = "text/plain";
inline constexpr const char* k_ann_title = "org.opencontainers.image.title";
inline constexpr const char* k_ann_status = "dev.mlci.status";
inline constexpr const char* k_ann_metric_prefix = "dev.mlci.metric.";
inline constexpr const char* k_ann_lineage_inputs = "dev.mlci.lineage.inputs";
inline constexpr const char* k_ann_cache_key = "dev.mlci.cache.key";
inline constexpr const char* k_ann_lineage_stages = "dev.mlci.lineage.stages";
inline constexpr const char* k_ann_stage = "dev.mlci.stage";
// The members of one sweep share its id; `select` is how the best was chosen.
inline constexpr const char* k_ann_sweep = "dev.mlci.sweep";
inline constexpr const char* k_ann_sweep_select = "dev.mlci.sweep.select";
inline constexpr const char* k_ann_run_id = "dev.mlci.run.id";
inline constexpr const char* k_outputs_title = "outputs";
inline constexpr const char* k_log_title = "log";

enum class RunStatus { succeeded, failed, timeout, interrupted };

std::string_view to_string(RunStatus s);
std::optional<RunStatus> parse_status(std::string_view text);

struct InputRecord {
    std::string name;               // the dataset's name for the command (MLCI_INPUT_<NAME>)
    std::string reference;          // "iris:v1"
    hash::Digest digest;            // the dataset manifest
    std::vector<std::string> paths; // its roots, relative to the project
};

struct OutputRecord {
    std::string path; // a file, relative to the project
    uint64_t size = 0;
    hash::Digest digest;
};

struct CodeRecord {
    std::string commit, branch;
    bool dirty = false;
    std::string diff_digest; // sha256 of `git diff HEAD`; empty when clean
    std::string remote;      // origin's URL without credentials
};

struct CacheRecord {
    std::string key;    // "sha256:..."; empty when the cache was not used
    bool hit = false;   // true only in what `train` reports for a reused run
    std::string source; // the reused run's manifest digest when hit
    // The content id of each file the key depended on (train/dependencies.hpp),
    // so that a later miss can say which file changed.
    std::map<std::string, std::string> deps;
};

// The run of an upstream stage that a stage's run consumed.
struct UpstreamRecord {
    std::string stage;
    std::string reference; // NAME/STAGE:vN
    hash::Digest digest;   // its manifest
};

struct RunRecord {
    std::string id, name;
    RunStatus status = RunStatus::failed;
    int exit_code = 0;
    int signal = 0;
    config::CommandSpec command;
    std::string workdir = "."; // where the command ran, relative to the project
    nlohmann::json params = nlohmann::json::object();
    std::string params_file;
    std::vector<InputRecord> inputs;
    std::optional<CodeRecord> code;
    nlohmann::json environment = nlohmann::json::object();
    std::string started, ended;
    double wall_seconds = 0, cpu_seconds = 0;
    uint64_t max_rss_bytes = 0;
    std::optional<double> timeout_seconds;
    std::vector<OutputRecord> outputs;
    Metrics metrics;
    std::string metrics_file;
    CacheRecord cache;
    std::string stage; // its name in train.stages; empty for a single command
    std::vector<UpstreamRecord> upstream;
};

nlohmann::json to_json(const RunRecord& r);
// Parses a run record; `where` names it in errors.
Result<RunRecord> run_record_from_json(const nlohmann::json& j, std::string_view where);

// A run artifact read back from the store.
struct Run {
    store::IndexEntry entry; // with the NAME:vN tag when it has one
    store::Manifest manifest;
    RunRecord record;

    std::string reference() const; // NAME:vN, else the digest
    // The layer with this title, if any.
    const store::Descriptor* layer(std::string_view title) const;
};

// Reads the run `entry` names; a usage error when it is another kind.
Result<Run> load_run(const store::Store& store, const store::IndexEntry& entry);

// The entry to name the manifest `d` by: its NAME:vN tag if it has one, else
// another tag, else untagged. Empty when the index does not list it.
std::optional<store::IndexEntry> best_entry(const std::vector<store::IndexEntry>& entries,
                                            const hash::Digest& d);

// The N of "NAME:vN" (and NAME), or nothing for other tags.
std::optional<std::pair<std::string, long>> parse_version_tag(std::string_view tag);

} // namespace mlci::train
