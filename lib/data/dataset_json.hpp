// The --json documents of `data-version add`, `log` and `list`, and of
// `mlci show` for a dataset: one place that names their fields.
#pragma once

#include <mlci/data/dataset.hpp>
#include <mlci/data/history.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <vector>

namespace mlci::data {

// `data-version add`: {"reference", "digest", "files", "bytes", "new_files",
// "new_bytes", "unchanged"}.
nlohmann::json to_json(const AddResult& result);

// One version: {"reference" (NAME:vN), "digest", "created", "message",
// "commit", "files", "size"}; empty strings stay empty strings.
nlohmann::json to_json(const Version& version);
// `data-version log`: the versions as an array, in the order given.
nlohmann::json to_json(const std::vector<Version>& versions);

// One dataset: {"name", "latest" (NAME:vN), "digest", "versions", "files",
// "size", "created"}, the figures those of its latest version.
nlohmann::json to_json(const DatasetSummary& summary);
// `data-version list`: the datasets as an array, in the order given.
nlohmann::json to_json(const std::vector<DatasetSummary>& datasets);

// A profile blob of a dataset as it is stored (parsed, not checked), for
// `mlci show`: the text view reads it too.
Result<nlohmann::json> read_profile_json(const store::Store& store, const ProfileLayer& profile);

// Every file of a dataset: [{"root", "path", "size", "mode", "digest"}], root
// by root in the dataset's order.
Result<nlohmann::json> files_json(const store::Store& store, const Dataset& dataset);

// `mlci show --json`: store::artifact_json, and for a dataset "files"
// (files_json) and "profiles" (each CSV file's path to its profile).
Result<nlohmann::json> show_json(const store::Store& store, const store::IndexEntry& entry);

} // namespace mlci::data
