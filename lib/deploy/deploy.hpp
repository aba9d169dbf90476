// `mlci deploy`: policy first, then one deploy per environment at a time
// (a lock), the target switched, a health check, an automatic rollback when
// it fails, and a deployment artifact recording what happened either way.
#pragma once

#include <chrono>
#include <mlci/core/progress.hpp>
#include <mlci/deploy/health.hpp>
#include <mlci/deploy/policy.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/deploy/target.hpp>
#include <optional>

namespace mlci::deploy {

struct DeployRequest {
    std::string environment;
    TargetSettings target;
    HealthCheck health;
    PolicySettings policy;
    bool force = false;    // ship despite failed policy checks (recorded)
    bool rollback = false; // asked for by `deploy rollback`
    // How long to wait for another deploy to the environment; 0: fail at once.
    std::chrono::milliseconds wait{0};
};

struct DeployResult {
    DeploymentEntry entry;                   // what was recorded
    std::optional<DeploymentEntry> previous; // what ran before
    std::optional<Error> failure;            // why it did not stay deployed
};

// Deploys the package `package` (a store entry). Refusals (policy, lock,
// not a package) are errors and record nothing; a deploy that was attempted
// is recorded, and its failure is in DeployResult::failure.
Result<DeployResult> deploy_package(store::Store& store, const store::IndexEntry& package,
                                    const DeployRequest& request, const Reporter& reporter);

// The package `deploy rollback ENV` goes back to: with `to` empty, the one
// that ran before the current one; else deployment N ("3", "v3") of the
// environment's history.
Result<hash::Digest> rollback_package(const store::Store& store, std::string_view env,
                                      std::string_view to);

// Whether `deploy rollback --to TO` names a deployment of the history ("",
// "3", "v3": rollback_package() reads it) rather than a package reference.
bool names_deployment(std::string_view to);

// Makes `request` the rollback to `package`. A package that ran in the
// environment before passed the policy then, so its checks are not asked
// again; one that never ran there is checked like any deploy.
Status prepare_rollback(const store::Store& store, DeployRequest& request,
                        const hash::Digest& package);

} // namespace mlci::deploy
