// The health check after a release is switched in: an HTTP URL that must
// answer 2xx, or a shell command that must exit 0, retried until it passes
// or the attempts run out. A failing check makes the deploy roll back.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <string>
#include <vector>

namespace mlci::deploy {

// The defaults of an environment's health check (mlci.yaml and flags).
inline constexpr std::chrono::milliseconds k_default_health_timeout{std::chrono::seconds(30)};
inline constexpr unsigned k_default_health_attempts = 10;
inline constexpr std::chrono::milliseconds k_default_health_interval{std::chrono::seconds(1)};

struct HealthCheck {
    std::string check; // http(s)://... or a shell command; empty: no check
    std::chrono::milliseconds timeout = k_default_health_timeout; // each attempt
    unsigned attempts = k_default_health_attempts;
    std::chrono::milliseconds interval = k_default_health_interval;
    std::filesystem::path cwd;    // for a command
    std::vector<std::string> env; // for a command, the whole environment
};

struct HealthResult {
    bool passed = true;
    unsigned attempts = 0;
    std::string detail; // the last failure: status code, exit code, output tail
};

// Runs the check. An error only for a check that cannot run at all (a
// command that is not found is a failed check, as a shell would say).
Result<HealthResult> run_health_check(const HealthCheck& h,
                                      const std::function<void(const std::string&)>& on_attempt);

bool is_http_check(std::string_view check);

} // namespace mlci::deploy
