// Where artifacts go and come from, behind one interface (ccache's remote
// storage shape): a registry over HTTP, or an OCI image layout directory.
// make_remote picks the implementation from the reference. Methods may be
// called from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/session.hpp>
#include <mlci/store/descriptor.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::registry {

// A manifest as it travels: its exact bytes (the digest is of these).
struct RawManifest {
    std::string media_type;
    std::string bytes;
    hash::Digest digest; // of `bytes`, computed by the reader
    // The digest the remote claims for it (a tag's index entry, the
    // Docker-Content-Digest header), checked by pull; empty when none.
    hash::Digest claimed;
};

// Counters every transfer adds to (thread-safe), and a progress hook.
struct TransferStats {
    std::atomic<uint64_t> blobs_uploaded{0}, bytes_uploaded{0}, blobs_mounted{0};
    std::atomic<uint64_t> blobs_downloaded{0}, bytes_downloaded{0};
    std::function<void(uint64_t)> on_bytes; // blob bytes moved, as they move
    void moved(uint64_t n) {
        if (on_bytes)
            on_bytes(n);
    }
};

enum class Access { pull, push };

struct RemoteOptions {
    Access access = Access::pull;
    bool plain_http = false;
    RetryPolicy retry;
    // Blobs larger than this are uploaded in PATCH chunks of this size, each
    // resumable; smaller ones in one PUT.
    uint64_t chunk_size = 128ull << 20;
    // Repositories on the same registry that may hold the blobs (for cross-
    // repository mounts), most likely first.
    std::vector<std::string> mount_from;
};

class Remote {
public:
    virtual ~Remote() = default;

    // "localhost:5000/team/iris" or "oci:/path"
    virtual std::string location() const = 0;

    virtual Result<bool> has_blob(const store::Descriptor& d) = 0;
    virtual Result<bool> has_manifest(const hash::Digest& d) = 0;
    // The digest a tag names, or none when the tag is not there.
    virtual Result<std::optional<hash::Digest>> resolve_tag(const std::string& tag) = 0;
    // Every tag, in no particular order; none when the repository does not exist.
    virtual Result<std::vector<std::string>> list_tags() = 0;

    // Uploads the blob in `file` (or, for small generated blobs, `data`).
    virtual Status put_blob(const store::Descriptor& d, const std::filesystem::path& file,
                            TransferStats& stats) = 0;
    virtual Status put_blob_data(const store::Descriptor& d, std::string_view data,
                                 TransferStats& stats) = 0;
    // Streams the blob to `sink` from its first byte, once, in order; an
    // interrupted download resumes where it stopped.
    virtual Status fetch_blob(const store::Descriptor& d,
                              const std::function<Status(std::string_view)>& sink,
                              TransferStats& stats) = 0;

    // Streams `length` bytes of the blob from `offset` to `sink` (an HTTP
    // Range request), resuming where an interrupted one stopped. False, with
    // nothing given to `sink`, when the remote answers with the whole blob
    // instead (a registry that ignores ranges: 200): fetch it whole then.
    virtual Result<bool> fetch_range(const store::Descriptor& d, uint64_t offset, uint64_t length,
                                     const std::function<Status(std::string_view)>& sink,
                                     TransferStats& stats) = 0;

    // A manifest by tag or digest ("v1", "iris:v1", "sha256:...").
    virtual Result<RawManifest> get_manifest(const std::string& reference) = 0;
    // Stores a manifest under its digest. True when the remote itself indexed
    // its subject as a referrer (the registry answered OCI-Subject).
    virtual Result<bool> put_manifest(const RawManifest& m) = 0;
    // Points `tag` at the manifest (stored already).
    virtual Status tag_manifest(const RawManifest& m, const std::string& tag) = 0;

    // The referrers of `subject`: the referrers API, else the fallback tag
    // "sha256-<hex>"; a layout's index.json entries whose subject it is.
    virtual Result<std::vector<store::Descriptor>> referrers(const store::Descriptor& subject) = 0;
    // Makes sure `refs` (stored already) are listed as referrers of
    // `subject` where the remote does not index them itself.
    virtual Status add_referrers(const store::Descriptor& subject,
                                 const std::vector<store::Descriptor>& refs) = 0;

    // Makes what was written so far durable (a layout's fsync); a no-op for registries.
    virtual Status flush() = 0;
    // Retries made so far.
    virtual uint64_t retries() const = 0;
};

// Connects to the remote `ref` names: checks a registry answers (and the
// credentials), or opens a layout (created for push when missing).
Result<std::unique_ptr<Remote>> make_remote(const RemoteRef& ref, const RemoteOptions& options);

// The implementations, chosen by make_remote.
Result<std::unique_ptr<Remote>> make_registry_remote(const RemoteRef& ref,
                                                     const RemoteOptions& options);
Result<std::unique_ptr<Remote>> make_layout_remote(const RemoteRef& ref,
                                                   const RemoteOptions& options);

// The media types a manifest GET accepts: OCI and Docker, manifests and indexes.
std::string manifest_accept_header();

// The tag under which registries without the referrers API list the
// referrers of `subject` (OCI distribution spec 1.1): "sha256-<hex>".
std::string referrers_fallback_tag(const hash::Digest& subject);

} // namespace mlci::registry
