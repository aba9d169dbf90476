#include <algorithm>
#include <cmath>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/train/metrics.hpp>
#include <mlci/train/params.hpp>

namespace mlci::train {

namespace {

constexpr size_t k_max_metrics_depth = 64;

// Whether `j` has arrays or objects more than `levels` deep.
bool nests_deeper(const nlohmann::json& j, size_t levels) {
    if (!j.is_structured())
        return false;
    if (levels == 0)
        return true;
    return std::any_of(j.begin(), j.end(),
                       [&](const nlohmann::json& v) { return nests_deeper(v, levels - 1); });
}

} // namespace

Metrics flatten_metrics(const nlohmann::json& doc) {
    // The leaves as params are flattened (one rule for dotted paths), the
    // finite numbers kept.
    Metrics out;
    for (auto& [path, leaf] : flatten_params(doc))
        if (leaf.is_number() && std::isfinite(leaf.get<double>()))
            out[path] = leaf.get<double>();
    return out;
}

Result<nlohmann::json> read_metrics_file(const fs::path& file) {
    MLCI_TRY_ASSIGN(text, read_file(file));
    auto ext = file.extension().string();
    nlohmann::json doc;
    if (ext == ".yaml" || ext == ".yml") {
        MLCI_TRY_ASSIGN(node, config::parse_yaml(text, file.string()));
        MLCI_TRY_ASSIGN(j, yaml_to_json(node, file));
        doc = std::move(j);
    } else {
        MLCI_TRY_ASSIGN(j, parse_json(text, fmt::format("metrics file '{}'", file.string())));
        doc = std::move(j);
    }
    if (!doc.is_object())
        return usage_error("metrics file '{}' must hold a mapping of names to numbers",
                           file.string());
    // flatten_metrics (and copying JSON) recurses once a level.
    if (nests_deeper(doc, k_max_metrics_depth))
        return usage_error("metrics file '{}' is nested more than {} levels deep", file.string(),
                           k_max_metrics_depth);
    return doc;
}

std::optional<double> MetricChange::change() const {
    if (old_value && new_value)
        return *new_value - *old_value;
    return {};
}

std::vector<MetricChange> diff_metrics(const Metrics& old_metrics, const Metrics& new_metrics) {
    std::map<std::string, MetricChange> all;
    for (auto& [k, v] : old_metrics)
        all[k].old_value = v;
    for (auto& [k, v] : new_metrics)
        all[k].new_value = v;
    std::vector<MetricChange> out;
    for (auto& [k, c] : all) {
        c.name = k;
        out.push_back(c);
    }
    return out;
}

std::string format_number(double v) {
    if (v == 0)
        return "0"; // also for -0
    return fmt::format("{}", v);
}

std::string format_change(double v) {
    // Differences of decimals carry binary noise (0.95 - 0.9 = 0.04999...):
    // twelve significant digits show the change a person means.
    auto text = fmt::format("{:.12g}", v);
    if (v > 0)
        return "+" + text;
    if (v == 0)
        return "0";
    return text;
}

} // namespace mlci::train
