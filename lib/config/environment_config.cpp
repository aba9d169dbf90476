#include <cmath>
#include <fmt/format.h>
#include <mlci/config/environment_config.hpp>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>
#include <tuple>

namespace mlci::config {

namespace {

using Path = std::filesystem::path;

Result<EnvironmentConfig> parse_environment(const Path& file, const std::string& name,
                                            const YAML::Node& node) {
    auto key = [&](std::string_view k) { return fmt::format("environments.{}.{}", name, k); };
    if (!node.IsMap())
        return bad_key(file, node, fmt::format("environments.{}", name), "expected a mapping");
    MLCI_TRY(expect_keys(file, node, fmt::format("environments.{}", name),
                         {"target", "health_check", "health_timeout", "health_retries",
                          "health_interval", "pre_start", "keep", "public_key",
                          "require_validation", "image", "values_key", "branch", "runtime"}));
    EnvironmentConfig env;
    env.name = name;
    for (auto [k, out] : {std::pair{"target", &env.target},
                          {"health_check", &env.health_check},
                          {"pre_start", &env.pre_start},
                          {"public_key", &env.public_key},
                          {"image", &env.image},
                          {"values_key", &env.values_key},
                          {"branch", &env.branch},
                          {"runtime", &env.runtime}})
        if (auto n = node[k]) {
            MLCI_TRY_ASSIGN(v, as_string(file, n, key(k)));
            *out = std::move(v);
        }
    for (auto [k, out, zero] :
         {std::tuple{"health_timeout", &env.health_timeout, ZeroDuration::refused},
          {"health_interval", &env.health_interval, ZeroDuration::allowed}})
        if (auto n = node[k]) {
            MLCI_TRY_ASSIGN(v, as_duration(file, n, key(k), zero));
            *out = v;
        }
    for (auto [k, out, least] :
         {std::tuple{"health_retries", &env.health_retries, 1u}, {"keep", &env.keep, 0u}})
        if (auto n = node[k]) {
            MLCI_TRY_ASSIGN(v, as_number(file, n, key(k)));
            // Checked as a double first: casting one beyond the range is undefined.
            if (!(v >= least && v <= k_max_count && v == std::floor(v)))
                return bad_key(
                    file, n, key(k),
                    fmt::format("expected a whole number from {} to {}", least, k_max_count));
            *out = static_cast<unsigned>(v);
        }
    if (auto n = node["require_validation"]) {
        MLCI_TRY_ASSIGN(v, as_bool(file, n, key("require_validation")));
        env.require_validation = v;
    }
    // Paths in mlci.yaml are relative to its folder, not to where mlci runs.
    auto base = file.parent_path();
    if (env.public_key && Path(*env.public_key).is_relative())
        env.public_key = (base / *env.public_key).string();
    if (env.target && env.target->starts_with("dir:") && Path(env.target->substr(4)).is_relative())
        env.target = "dir:" + (base / env.target->substr(4)).lexically_normal().string();
    return env;
}

} // namespace

Result<std::vector<EnvironmentConfig>> parse_environments(const YAML::Node& root,
                                                          const Path& file) {
    std::vector<EnvironmentConfig> out;
    if (!root.IsMap()) // operator[] throws on a scalar or a list
        return out;
    auto node = root["environments"];
    if (!node)
        return out;
    if (!node.IsMap())
        return bad_key(file, node, "environments", "expected a mapping of environment names");
    for (auto it = node.begin(); it != node.end(); ++it) {
        MLCI_TRY_ASSIGN(name, key_text(file, it->first));
        MLCI_TRY_ASSIGN(env, parse_environment(file, name, it->second));
        out.push_back(std::move(env));
    }
    return out;
}

} // namespace mlci::config
