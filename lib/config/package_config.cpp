#include <mlci/config/package_config.hpp>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>

namespace mlci::config {

namespace {

using Path = std::filesystem::path;

// A command as a list of arguments, or one string (a single argument:
// an image's entrypoint is exec'd, never given to a shell by mlci).
Result<std::vector<std::string>> parse_argv(const Path& file, const YAML::Node& node,
                                            std::string_view key) {
    return as_string_list(file, node, key);
}

// A map {K: V} or a list ["K=V"] as K=V strings.
Result<std::vector<std::string>> parse_pairs(const Path& file, const YAML::Node& node,
                                             std::string_view key) {
    std::vector<std::string> out;
    if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            MLCI_TRY_ASSIGN(k, as_string(file, it->first, key));
            MLCI_TRY_ASSIGN(v, as_string(file, it->second, fmt::format("{}.{}", key, k)));
            out.push_back(fmt::format("{}={}", k, v));
        }
        return out;
    }
    MLCI_TRY_ASSIGN(list, as_string_list(file, node, key));
    for (auto& kv : list)
        if (kv.find('=') == std::string::npos || kv.front() == '=')
            return bad_key(file, node, key, fmt::format("expected KEY=VALUE, got '{}'", kv));
    return list;
}

Status read_optional(const Path& file, const YAML::Node& node, const char* key,
                     std::optional<std::string>& out) {
    if (auto n = node[key]) {
        MLCI_TRY_ASSIGN(s, as_string(file, n, fmt::format("package.{}", key)));
        out = std::move(s);
    }
    return {};
}

} // namespace

Result<std::optional<PackageConfig>> parse_package_config(const YAML::Node& root,
                                                          const Path& file) {
    if (!root.IsMap()) // operator[] throws on a scalar or a list
        return std::optional<PackageConfig>();
    auto node = root["package"];
    if (!node || node.IsNull())
        return std::optional<PackageConfig>();
    MLCI_TRY(
        expect_keys(file, node, "package",
                    {"base", "entrypoint", "cmd", "env", "port", "ports", "workdir", "add",
                     "labels", "tag", "output", "compression", "format", "layout", "model_dir"}));
    PackageConfig c;
    for (auto [key, out] : {std::pair{"base", &c.base},
                            {"workdir", &c.workdir},
                            {"tag", &c.tag},
                            {"output", &c.output},
                            {"compression", &c.compression},
                            {"format", &c.format},
                            {"layout", &c.layout},
                            {"model_dir", &c.model_dir}})
        MLCI_TRY(read_optional(file, node, key, *out));
    if (auto n = node["entrypoint"]) {
        MLCI_TRY_ASSIGN(v, parse_argv(file, n, "package.entrypoint"));
        c.entrypoint = std::move(v);
    }
    if (auto n = node["cmd"]) {
        MLCI_TRY_ASSIGN(v, parse_argv(file, n, "package.cmd"));
        c.cmd = std::move(v);
    }
    if (auto n = node["env"]) {
        MLCI_TRY_ASSIGN(v, parse_pairs(file, n, "package.env"));
        c.env = std::move(v);
    }
    if (auto n = node["labels"]) {
        MLCI_TRY_ASSIGN(v, parse_pairs(file, n, "package.labels"));
        for (auto& kv : v)
            c.labels[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    }
    for (auto key : {"port", "ports"})
        if (auto n = node[key]) {
            MLCI_TRY_ASSIGN(v, as_string_list(file, n, fmt::format("package.{}", key)));
            c.ports.insert(c.ports.end(), v.begin(), v.end());
        }
    if (auto n = node["add"]) {
        MLCI_TRY_ASSIGN(v, as_string_list(file, n, "package.add"));
        c.add = std::move(v);
    }
    return std::optional<PackageConfig>(std::move(c));
}

} // namespace mlci::config
