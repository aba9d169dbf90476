// What `mlci show` says of an artifact of any kind: its kind, and its --json
// document (data/dataset_json.hpp adds a dataset's files and profiles).
#pragma once

#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::store {

// The dev.mlci.kind annotation, else the artifactType, else "image" for an
// OCI image config, else the config's media type.
std::string kind_of(const Manifest& manifest);

// {"reference" (display_name), "digest", "kind", "manifest" (as stored),
// "config"}; "config" is left out when the config blob is missing or not JSON.
Result<nlohmann::json> artifact_json(const Store& store, const IndexEntry& entry);

} // namespace mlci::store
