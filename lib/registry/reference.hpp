// Where an artifact is pushed to or pulled from (ARCHITECTURE.md §3):
//   HOST[:PORT]/REPO[:TAG][@sha256:HEX]   a registry speaking the OCI distribution API
//   oci:PATH[:TAG][@sha256:HEX]           an OCI image layout directory (no server)
// As in skopeo, an oci: path ends at its first ':', so "oci:.mlci:iris:v3"
// names the tag "iris:v3" of the layout ".mlci" (mlci stores tag NAME:TAG).
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::registry {

struct RemoteRef {
    enum class Kind { registry, layout };
    Kind kind = Kind::registry;
    std::string host;           // registry: "localhost:5000", "[::1]:5000", "ghcr.io"
    std::string repository;     // registry: "team/iris"
    std::filesystem::path path; // layout: the directory
    std::string tag;            // empty when none was given
    std::optional<hash::Digest> digest;

    // "localhost:5000/team/iris" or "oci:/path": where, without tag or digest.
    std::string location() const;
    // The reference with `tag` (when set) and pinned by `d`: "host/repo:tag@sha256:...".
    std::string pinned(const hash::Digest& d) const;
    // The text as given back: location, ":tag" and "@digest" when set.
    std::string str() const;
};

// Parses a push destination or pull source; a usage error names the text.
Result<RemoteRef> parse_remote(std::string_view text);

// True when `text` looks like a remote reference (a registry host or "oci:").
bool looks_remote(std::string_view text);

// The local tag a pulled artifact gets unless --tag says otherwise: the
// repository's last component and the tag ("localhost:5000/team/iris:v3" gives
// "iris:v3"); an oci: tag that is already NAME:TAG is kept. Empty when the
// source names a digest only.
Result<std::string> default_local_tag(const RemoteRef& ref);

// True for hosts that never leave the machine: localhost, 127.0.0.0/8, ::1.
bool is_loopback_host(std::string_view host);

} // namespace mlci::registry
