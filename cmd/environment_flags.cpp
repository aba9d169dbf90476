#include "environment_flags.hpp"

#include "duration_option.hpp"

#include <fmt/format.h>
#include <mlci/config/environment_config.hpp>
#include <mlci/core/duration.hpp>

namespace mlci::cli {

void add_environment_flags(CLI::App* cmd, deploy::EnvironmentFlags& f) {
    cmd->add_option("--target", f.target,
                    "Where to deploy: dir:PATH, gitops:REPO_URL#FILE[,FILE], "
                    "podman:NAME[:[IP:]HOST_PORT[:CONTAINER_PORT]] or exec:COMMAND (default: "
                    "environments.ENV.target)")
        ->type_name("TARGET");
    cmd->add_option("--health-check", f.health_check,
                    "After the switch: a URL that must answer 2xx, or a shell command that must "
                    "exit 0; on failure the release is rolled back")
        ->type_name("URL|COMMAND");
    add_duration_option(cmd, "--health-timeout", f.health_timeout,
                        fmt::format("How long each health check attempt may take (default {}s)",
                                    to_seconds(deploy::k_default_health_timeout)));
    cmd->add_option("--health-retries", f.health_retries,
                    fmt::format("Health check attempts before rolling back (default {})",
                                deploy::k_default_health_attempts))
        ->type_name("N")
        ->check(CLI::Range(1u, config::k_max_count));
    add_duration_option(cmd, "--health-interval", f.health_interval,
                        fmt::format("The pause between health check attempts (default {}s; 0: "
                                    "none)",
                                    to_seconds(deploy::k_default_health_interval)),
                        ZeroDuration::allowed);
    cmd->add_option("--pre-start", f.pre_start,
                    "dir target: a shell command run in the unpacked release before it is "
                    "switched in")
        ->type_name("COMMAND");
    cmd->add_option("--keep", f.keep,
                    fmt::format("dir target: releases kept, the current one included (default "
                                "{}); only releases this store deployed there are ever removed",
                                deploy::k_default_keep))
        ->type_name("N")
        ->check(CLI::Range(0u, config::k_max_count));
    cmd->add_option("--public-key", f.public_key,
                    "Require a valid signature by this Ed25519 public key")
        ->type_name("FILE");
    cmd->add_option("--image", f.image,
                    "The repository the package was pushed to; the target gets "
                    "REPOSITORY@DIGEST (gitops, exec)")
        ->type_name("REPOSITORY");
    cmd->add_option("--values-key", f.values_key,
                    "gitops: the dotted key of the image block in Helm values")
        ->type_name("KEY");
    cmd->add_option("--branch", f.branch, "gitops: the branch to commit to")->type_name("BRANCH");
    cmd->add_option("--runtime", f.runtime,
                    "podman: the OCI runtime podman runs the containers with (runc, crun or a "
                    "path; default: podman's own)")
        ->type_name("RUNTIME");
    add_duration_option(cmd, "--wait", f.wait,
                        "How long to wait for another deploy to the environment (default 0: "
                        "fail at once)",
                        ZeroDuration::allowed);
    cmd->add_flag("-f,--force", f.force,
                  "Deploy even when policy checks fail (the override is recorded)");
    cmd->add_flag("--no-require-validation", f.no_require_validation,
                  "Do not require a passing validation (recorded in the policy checks)");
}

} // namespace mlci::cli
