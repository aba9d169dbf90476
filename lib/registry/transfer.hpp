// mlci push and mlci pull: moving an artifact (any kind) with its blobs,
// its file lists' blobs and its referrers between the store and a remote.
//
// Push order, so that a reader never sees a tag whose content is missing:
// blobs (in parallel), then manifests children first, then referrers (with
// their `subject`), and the tag last. Pull order mirrors the store's rule:
// every blob verified against its digest and made durable before the
// manifests are written, and the manifests before the tag.
#pragma once

#include <cstdint>
#include <mlci/core/progress.hpp>
#include <mlci/registry/remote.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::registry {

// How deep push and pull follow referrers of referrers (a signature of a
// validation of a run).
inline constexpr int k_referrer_depth = 4;

struct PushOptions {
    unsigned jobs = 4;     // blob transfers at once
    bool referrers = true; // also push manifests whose subject is the artifact
    RemoteOptions remote;
};

struct PushReport {
    std::string reference; // "host/repo:tag@sha256:..."
    hash::Digest digest;
    std::string tag;            // the remote tag set, "" when none
    uint64_t blobs = 0;         // blobs the artifact and its referrers need
    uint64_t blobs_present = 0; // already there (HEAD, or under a present manifest)
    uint64_t blobs_uploaded = 0;
    uint64_t bytes_uploaded = 0;
    uint64_t blobs_mounted = 0; // taken from another repository of the registry
    uint64_t manifests_pushed = 0;
    uint64_t referrers = 0; // referrers pushed or already there (blob indexes included)
    uint64_t retries = 0;
};

// Pushes the artifact `entry` of `store` to `dest`.
Result<PushReport> push(const store::Store& store, const store::IndexEntry& entry,
                        const RemoteRef& dest, const PushOptions& options,
                        const Reporter& reporter);

struct PullOptions {
    unsigned jobs = 4;
    bool referrers = true;
    std::string tag; // the local tag; "" = default_local_tag(src)
    // When set (and `tag` is not): tagged as a version of this name, the
    // NAME:vN that holds the same artifact already, else the next one.
    std::string version_of;
    // Globs over the paths in the artifact's file lists (store/partial.hpp):
    // only those files' data is fetched. Empty: every file's.
    std::vector<std::string> paths;
    RemoteOptions remote;
};

struct PullReport {
    std::string reference; // the local tag, or the digest when untagged
    std::string source;    // the source pinned by digest
    hash::Digest digest;
    uint64_t blobs = 0;
    uint64_t blobs_present = 0; // the store had them
    uint64_t blobs_downloaded = 0;
    uint64_t bytes_downloaded = 0;
    uint64_t packs_ranged = 0; // packs of which only the needed chunks came, by range
    uint64_t manifests = 0;
    uint64_t referrers = 0;
    uint64_t retries = 0;
    uint64_t files = 0;          // in the artifact's file lists
    uint64_t files_selected = 0; // of those, whose data was pulled (all without --path)
};

// Pulls `src` into `store` and tags it.
Result<PullReport> pull(store::Store& store, const RemoteRef& src, const PullOptions& options,
                        const Reporter& reporter);

} // namespace mlci::registry
