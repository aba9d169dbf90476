// A run summary: the side of a run artifact (made by `mlci train`) that the
// gate reads: name, status, metrics and inputs. The run record's contract:
//   {"kind": "run", "id", "name", "status": "succeeded"|"failed"|...,
//    "params": {...}, "inputs": [{"name", "reference", "digest"}],
//    "metrics": {"accuracy": 0.95, "train.rows": 105}, ...}
// with annotations dev.mlci.metric.<name>, dev.mlci.status, dev.mlci.name.
#pragma once

#include <map>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::validate {

// The annotation keys and the metric flattening are the run record's own
// (lib/train/record.hpp, lib/train/metrics.hpp): one definition of the contract.
// This reader is the tolerant side of it: a record written by another
// version or tool may lack fields, and the annotations fill them in.

struct RunSummary {
    store::IndexEntry entry;
    store::Manifest manifest;
    nlohmann::json record; // the config blob; an empty object when unreadable
    std::string name;
    std::string status;
    std::map<std::string, double> metrics;

    // The tag when it has one, else the digest: how to name the run to a person.
    std::string reference() const;
    bool succeeded() const { return status == train::to_string(train::RunStatus::succeeded); }
};

// Loads the run that `entry` names; a usage error when it is another kind.
Result<RunSummary> load_run_summary(const store::Store& store, const store::IndexEntry& entry);

// The run an artifact stands for: the artifact itself when it is a run, else
// its subject (a validation's run) or the first run among its lineage,
// followed up to three steps (a deployment -> its package -> the run). A
// usage error when there is none.
Result<store::IndexEntry> run_behind(const store::Store& store, const store::IndexEntry& entry);

// The string at `key` of a JSON object, or "" when it is absent, null or
// not a string: records written by other versions may hold any of those.
std::string json_string(const nlohmann::json& j, const char* key);

} // namespace mlci::validate
