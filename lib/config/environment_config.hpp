// The `environments:` section of mlci.yaml: where `mlci deploy REF --env ENV`
// ships a package and what it checks first. Every key has a flag; flags win.
//
//   environments:
//     staging:
//       target: dir:/srv/iris            # dir:PATH, gitops:REPO_URL#FILE[,FILE],
//                                        # podman:NAME[:[IP:]HOST_PORT[:CONTAINER_PORT]],
//                                        exec:COMMAND
//       health_check: http://127.0.0.1:8080/healthz   # or a shell command
//       health_timeout: 30               # each attempt (seconds, or 500ms, 30s, 5m, 2h)
//       health_retries: 10               # attempts before the release is rolled back
//       health_interval: 1               # between attempts (0: none)
//       pre_start: ./scripts/migrate.sh  # runs in the unpacked release before the switch
//       keep: 5                          # releases kept by a dir target
//       public_key: keys/release.pub     # when set, the package must be signed by it
//       require_validation: true         # the package's run must have passed validate
//       image: registry.example.com/team/iris   # where the package was pushed (gitops, exec)
//       values_key: image                # gitops: the Helm values block to pin
//       branch: main                     # gitops: the branch to commit to
//       runtime: runc                    # podman: its --runtime (default: podman's own)
//
// Durations take the forms and the maximum of lib/core/duration.hpp.
// Relative paths (public_key, a dir target) are relative to mlci.yaml's folder.
#pragma once

#include <chrono>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

// The most health check attempts or kept releases, in mlci.yaml or a flag:
// far beyond any use, and within `unsigned`.
inline constexpr unsigned k_max_count = 1'000'000;

struct EnvironmentConfig {
    std::string name;
    std::optional<std::string> target, health_check, pre_start, public_key, image, values_key,
        branch, runtime;
    std::optional<std::chrono::milliseconds> health_timeout, health_interval;
    std::optional<unsigned> health_retries, keep;
    std::optional<bool> require_validation;
};

// Reads root["environments"] (a mapping of names); empty when absent.
// Unknown keys and wrong types are usage errors naming file:line and the key.
Result<std::vector<EnvironmentConfig>> parse_environments(const YAML::Node& root,
                                                          const std::filesystem::path& file);

} // namespace mlci::config
