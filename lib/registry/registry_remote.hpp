// The registry implementation of Remote: the OCI distribution API v2.
// Private to lib/registry (blob transfers are in registry_blobs.cpp).
#pragma once

#include <mlci/registry/remote.hpp>
#include <mutex>

namespace mlci::registry {

class RegistryRemote final : public Remote {
public:
    RegistryRemote(RemoteRef ref, RemoteOptions options, std::unique_ptr<Session> session);

    std::string location() const override { return m_ref.location(); }
    Result<bool> has_blob(const store::Descriptor& d) override;
    Result<bool> has_manifest(const hash::Digest& d) override;
    Result<std::optional<hash::Digest>> resolve_tag(const std::string& tag) override;
    Result<std::vector<std::string>> list_tags() override;
    Status put_blob(const store::Descriptor& d, const std::filesystem::path& file,
                    TransferStats& stats) override;
    Status put_blob_data(const store::Descriptor& d, std::string_view data,
                         TransferStats& stats) override;
    Status fetch_blob(const store::Descriptor& d,
                      const std::function<Status(std::string_view)>& sink,
                      TransferStats& stats) override;
    Result<bool> fetch_range(const store::Descriptor& d, uint64_t offset, uint64_t length,
                             const std::function<Status(std::string_view)>& sink,
                             TransferStats& stats) override;
    Result<RawManifest> get_manifest(const std::string& reference) override;
    Result<bool> put_manifest(const RawManifest& m) override;
    Status tag_manifest(const RawManifest& m, const std::string& tag) override;
    Result<std::vector<store::Descriptor>> referrers(const store::Descriptor& subject) override;
    Status add_referrers(const store::Descriptor& subject,
                         const std::vector<store::Descriptor>& refs) override;
    Status flush() override { return {}; }
    uint64_t retries() const override { return m_session->retries(); }

private:
    // "<base>/v2/<repo>/" + path
    std::string url(std::string_view path) const { return m_repo_url + std::string(path); }
    // HEAD that answers 200 (true) or 404 (false).
    Result<bool> exists(const std::string& path, bool manifest);
    Result<std::optional<RawManifest>> get_manifest_if_any(const std::string& reference);
    Status put_manifest_as(const RawManifest& m, const std::string& reference, bool* indexed);
    // Starts an upload session (trying a cross-repository mount first);
    // the upload URL, or "" when the blob was mounted.
    Result<std::string> start_upload(const store::Descriptor& d, bool try_mount,
                                     TransferStats& stats);
    // Uploads [0, size) of the body: one PUT, or PATCH chunks then PUT.
    Status upload(const store::Descriptor& d, const net::HttpRequest& body, TransferStats& stats);
    Status upload_whole(const store::Descriptor& d, const net::HttpRequest& body,
                        TransferStats& stats);
    Status upload_chunked(const store::Descriptor& d, const net::HttpRequest& body,
                          TransferStats& stats);
    Result<bool> referrers_api();

    RemoteRef m_ref;
    RemoteOptions m_options;
    std::unique_ptr<Session> m_session;
    std::string m_repo_url;
    std::mutex m_mutex;
    std::optional<bool> m_has_referrers_api;
};

// "sha256:..." plus the query separator for an upload URL that may have a query.
std::string with_query(const std::string& url, std::string_view param);

} // namespace mlci::registry
