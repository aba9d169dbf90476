// The --json documents of `mlci deploy`, `deploy rollback`, `deploy status`
// and `deploy history`: each deployment is its record (record.hpp) with
// where it sits in the environment's history.
#pragma once

#include <mlci/deploy/deploy.hpp>
#include <mlci/deploy/record.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace mlci::deploy {

// The record with "reference" (deploy-ENV:vN), "digest" and "version".
nlohmann::json to_json(const DeploymentEntry& entry);
// A deploy or rollback: the deployment it recorded, whatever its outcome.
nlohmann::json to_json(const DeployResult& result);
// `deploy status`: what runs in the environment; null when nothing does.
nlohmann::json to_json(const std::optional<DeploymentEntry>& current);
// `deploy history`: every deployment, oldest first.
nlohmann::json to_json(const std::vector<DeploymentEntry>& history);

} // namespace mlci::deploy
