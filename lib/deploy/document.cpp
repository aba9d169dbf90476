#include <mlci/deploy/document.hpp>

namespace mlci::deploy {

nlohmann::json to_json(const DeploymentEntry& entry) {
    auto doc = entry.deployment.to_json();
    doc["reference"] = entry.reference;
    doc["digest"] = entry.digest.str();
    doc["version"] = entry.version;
    return doc;
}

nlohmann::json to_json(const DeployResult& result) {
    return to_json(result.entry);
}

nlohmann::json to_json(const std::optional<DeploymentEntry>& current) {
    return current ? to_json(*current) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const std::vector<DeploymentEntry>& history) {
    auto doc = nlohmann::json::array();
    for (auto& e : history)
        doc.push_back(to_json(e));
    return doc;
}

} // namespace mlci::deploy
