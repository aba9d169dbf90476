// Metrics: the numbers a run reports in its metrics file, flattened to
// dotted names so that runs, tables, diffs and validation criteria compare
// them by one name ("accuracy", "train.rows").
#pragma once

#include <filesystem>
#include <map>
#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

using Metrics = std::map<std::string, double>;

// The numbers of a metrics document, nested mappings joined with '.'.
// Strings, booleans, nulls and lists are not metrics and are left out.
Metrics flatten_metrics(const nlohmann::json& doc);

// Reads a metrics file: JSON, or YAML when it ends in .yaml or .yml. The
// top level must be a mapping.
Result<nlohmann::json> read_metrics_file(const fs::path& file);

struct MetricChange {
    std::string name;
    std::optional<double> old_value, new_value; // empty when the run lacks it
    // new - old when both are there.
    std::optional<double> change() const;
};

// One change per name in either map, sorted by name; unchanged ones too.
std::vector<MetricChange> diff_metrics(const Metrics& old_metrics, const Metrics& new_metrics);

// The shortest text that reads back as `v` ("0.95", "105", "1e-07").
std::string format_number(double v);

// A change with its sign: "+0.02", "-3", "0".
std::string format_change(double v);

} // namespace mlci::train
