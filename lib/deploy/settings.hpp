// The request of `mlci deploy REF --env ENV` (and `deploy rollback ENV`) from
// its two sources: the environment's entry in mlci.yaml's `environments:`
// (lib/config/environment_config.hpp) and the flags, which win key by key.
// A flag that was given wins even when it says what the default says.
#pragma once

#include <chrono>
#include <filesystem>
#include <mlci/config/environment_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/deploy/deploy.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::deploy {

// The flags as given: an unset optional was not given.
struct EnvironmentFlags {
    std::string env;
    std::optional<std::string> target, health_check, pre_start, public_key, image, values_key,
        branch, runtime;
    std::optional<std::chrono::milliseconds> health_timeout, health_interval;
    std::optional<unsigned> health_retries, keep;
    std::optional<std::chrono::milliseconds> wait; // no yaml key
    bool no_require_validation = false;            // --no-require-validation
    bool force = false;                            // no yaml key
};

// The request for `flags.env`: its entry of `environments` (from the
// mlci.yaml at `file`, named in messages; none when it is not declared) with
// the flags over it. A usage error for a bad environment name or no target.
// The request's target has no store yet: deploy_package() gives it its own.
Result<DeployRequest> resolve(const EnvironmentFlags& flags,
                              const std::vector<config::EnvironmentConfig>& environments,
                              const std::filesystem::path& file);

} // namespace mlci::deploy
