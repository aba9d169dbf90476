// Deployment artifacts: each deploy to an environment is recorded in the
// store as an artifact whose `subject` is the package, tagged DEPLOY-NAME:vN
// (deploy-ENV:v1, v2, ...). The environment's history is that tag series;
// what runs there is the package of its newest successful deployment.
#pragma once

#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::deploy {

inline constexpr const char* k_media_deployment = "application/vnd.mlci.deployment.v1+json";
inline constexpr const char* k_ann_environment = "dev.mlci.deploy.environment";
inline constexpr const char* k_ann_outcome = "dev.mlci.deploy.outcome";

enum class Outcome {
    deployed,    // the package runs in the environment
    rolled_back, // it was switched to, failed its health check, and was switched back
    failed,      // it never ran: the target refused it or a hook failed
};
std::string_view to_string(Outcome o);
Result<Outcome> parse_outcome(std::string_view text);

// One policy check before a deploy: validation, signature.
struct PolicyCheck {
    std::string name; // "validation", "signature"
    bool passed = false;
    std::string detail;
};

struct Deployment {
    std::string environment;
    std::string target;      // the target spec: dir:PATH, gitops:, podman:, exec:COMMAND
    hash::Digest package;    // the package's manifest
    std::string package_ref; // the reference as resolved (NAME:TAG when tagged)
    std::optional<hash::Digest> previous; // what ran before, if anything
    Outcome outcome = Outcome::failed;
    bool rollback = false; // asked for by `deploy rollback`
    bool forced = false;   // policy checks failed and --force overrode them
    std::vector<PolicyCheck> policy;
    std::string user, host, started, finished;
    std::string detail;         // why it failed or was rolled back; empty when deployed
    nlohmann::json target_info; // what the target did: release path, commit, ...

    nlohmann::json to_json() const;
    static Result<Deployment> from_json(const nlohmann::json& j);
};

// A recorded deployment and where it sits in the environment's history.
struct DeploymentEntry {
    unsigned version = 0;  // N of deploy-ENV:vN
    std::string reference; // deploy-ENV:vN
    hash::Digest digest;   // the deployment artifact
    Deployment deployment;
};

// Environment names are tag-name safe: lowercase letters, digits, '.', '_', '-'.
Status validate_environment_name(std::string_view env);
// "deploy-ENV": the tag name an environment's deployments are versioned under.
std::string history_name(std::string_view env);

// Stores the deployment (subject: the package) and tags it deploy-ENV:vN.
Result<DeploymentEntry> record_deployment(store::Store& store, const Deployment& d,
                                          const store::Descriptor& package);

// The environment's deployments, oldest first.
Result<std::vector<DeploymentEntry>> history(const store::Store& store, std::string_view env);

// Every environment's deployments, oldest first (by finish time, then by
// version): what a target may prune is what these say it made.
Result<std::vector<DeploymentEntry>> all_deployments(const store::Store& store);

// The newest deployment that left its package running; nothing when none did.
Result<std::optional<DeploymentEntry>> current(const store::Store& store, std::string_view env);

// Who deploys: the CI's user variable (GITLAB_USER_LOGIN, GITHUB_ACTOR,
// BUILD_USER_ID), else $USER, else the account name.
std::string current_user();
std::string current_host();

} // namespace mlci::deploy
