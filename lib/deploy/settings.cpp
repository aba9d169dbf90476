#include <mlci/deploy/settings.hpp>

namespace mlci::deploy {

namespace {

// The flag when given, else mlci.yaml's value, else `fallback`: the
// request's own default, so that each default is written once.
template <typename T>
T flag_or_yaml(const std::optional<T>& flag, const std::optional<T>& configured,
               const T& fallback) {
    if (flag)
        return *flag;
    return configured ? *configured : fallback;
}

} // namespace

Result<DeployRequest> resolve(const EnvironmentFlags& f,
                              const std::vector<config::EnvironmentConfig>& environments,
                              const std::filesystem::path& file) {
    MLCI_TRY(validate_environment_name(f.env));
    config::EnvironmentConfig c;
    bool declared = false;
    for (auto& e : environments)
        if (e.name == f.env) {
            c = e;
            declared = true;
        }
    DeployRequest r;
    r.environment = f.env;
    r.target.spec = flag_or_yaml(f.target, c.target, {});
    if (r.target.spec.empty()) {
        if (declared)
            return usage_error("environment '{}' in {} has no target: set environments.{}.target "
                               "or pass --target",
                               f.env, file.string(), f.env);
        return usage_error("environment '{}' is not in mlci.yaml: declare it under environments, "
                           "or pass --target",
                           f.env);
    }
    r.target.pre_start = flag_or_yaml(f.pre_start, c.pre_start, {});
    r.target.keep = flag_or_yaml(f.keep, c.keep, r.target.keep);
    r.target.image = flag_or_yaml(f.image, c.image, {});
    r.target.values_key = flag_or_yaml(f.values_key, c.values_key, {});
    r.target.branch = flag_or_yaml(f.branch, c.branch, {});
    r.target.runtime = flag_or_yaml(f.runtime, c.runtime, {});
    r.health.check = flag_or_yaml(f.health_check, c.health_check, {});
    r.health.timeout = flag_or_yaml(f.health_timeout, c.health_timeout, r.health.timeout);
    r.health.attempts = flag_or_yaml(f.health_retries, c.health_retries, r.health.attempts);
    r.health.interval = flag_or_yaml(f.health_interval, c.health_interval, r.health.interval);
    if (auto key = flag_or_yaml(f.public_key, c.public_key, {}); !key.empty())
        r.policy.public_key = key;
    r.policy.require_validation =
        !f.no_require_validation && c.require_validation.value_or(r.policy.require_validation);
    r.force = f.force;
    r.wait = f.wait.value_or(r.wait);
    return r;
}

} // namespace mlci::deploy
