#include <mlci/registry/registry_json.hpp>

namespace mlci::registry {

nlohmann::json to_json(const PushReport& r) {
    return {{"reference", r.reference},
            {"digest", r.digest.str()},
            {"tag", r.tag},
            {"blobs", r.blobs},
            {"blobs_present", r.blobs_present},
            {"blobs_uploaded", r.blobs_uploaded},
            {"bytes_uploaded", r.bytes_uploaded},
            {"blobs_mounted", r.blobs_mounted},
            {"manifests_pushed", r.manifests_pushed},
            {"referrers", r.referrers},
            {"retries", r.retries}};
}

nlohmann::json to_json(const PullReport& r) {
    return {{"reference", r.reference},
            {"digest", r.digest.str()},
            {"source", r.source},
            {"blobs", r.blobs},
            {"blobs_present", r.blobs_present},
            {"blobs_downloaded", r.blobs_downloaded},
            {"bytes_downloaded", r.bytes_downloaded},
            {"packs_ranged", r.packs_ranged},
            {"manifests", r.manifests},
            {"referrers", r.referrers},
            {"retries", r.retries},
            {"files", r.files},
            {"files_selected", r.files_selected}};
}

nlohmann::json added_remote_json(std::string_view name, std::string_view url, bool is_default) {
    return {{"name", name}, {"url", url}, {"default", is_default}};
}

nlohmann::json to_json(const Remotes& remotes) {
    nlohmann::json doc = nlohmann::json::array();
    for (auto& r : remotes.list)
        doc.push_back({{"name", r.name},
                       {"url", r.ref.location()},
                       {"plain_http", r.plain_http},
                       {"default", r.name == remotes.default_name},
                       {"source", r.from_project ? "mlci.yaml" : "store"}});
    return doc;
}

nlohmann::json login_json(std::string_view host, std::string_view username,
                          const std::filesystem::path& file) {
    return {{"host", host}, {"username", username}, {"file", file.string()}};
}

nlohmann::json logout_json(std::string_view host, bool removed) {
    return {{"host", host}, {"removed", removed}};
}

} // namespace mlci::registry
