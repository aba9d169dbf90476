// Run parameters: a YAML or JSON file, KEY=VALUE overrides and grid axes,
// resolved into one typed JSON object that the command reads from $MLCI_PARAMS
// and the run record keeps.
#pragma once

#include <filesystem>
#include <map>
#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::train {

namespace fs = std::filesystem;

// A YAML node as JSON. Plain scalars are typed by YAML 1.2's core schema
// (7 is an integer, 0.3 a number, true a bool, ~ or null is null); quoted
// scalars stay strings, so '7' is the text 7. `file` names errors.
Result<nlohmann::json> yaml_to_json(const YAML::Node& node, const fs::path& file);

// The value of a plain scalar, typed as yaml_to_json types it.
nlohmann::json typed_scalar(std::string_view text);

// Reads a params file (YAML, and so JSON too); its top level must be a mapping.
Result<nlohmann::json> load_params_file(const fs::path& file);

struct Override {
    std::string key; // dotted path into nested mappings: "model.depth"
    nlohmann::json value;
};

// Parses "KEY=VALUE". VALUE is typed like a plain YAML scalar; "[1, 2]" and
// "{a: 1}" are a list and a mapping; quote it ('"7"') to keep a string.
Result<Override> parse_override(std::string_view text);

// Sets the override's key in `params`, making nested mappings as needed; an
// error when a part of the key names something that is not a mapping.
Status apply_override(nlohmann::json& params, const Override& o);

struct GridAxis {
    std::string key;
    std::vector<nlohmann::json> values;
};

// Parses "KEY=V1,V2,...": commas inside [], {} or quotes do not split.
Result<GridAxis> parse_grid_axis(std::string_view text);

// Every combination of the axes' values, the first axis changing slowest.
// No axes give one empty combination.
std::vector<std::vector<Override>> expand_grid(const std::vector<GridAxis>& axes);

// The leaves of nested mappings keyed by dotted paths ("model.depth").
// Lists are leaves; an empty mapping is a leaf too.
std::map<std::string, nlohmann::json> flatten_params(const nlohmann::json& params);

// A value as a person reads it in a table: strings bare, numbers shortest.
std::string format_value(const nlohmann::json& value);

} // namespace mlci::train
