// A run cache shared by CI runners through a registry (or an oci: layout):
// a succeeded run is pushed there under a tag made of its cache key, and a
// runner that is about to run the same thing pulls it instead.
//
// Trust: whoever can push to the cache repository can supply a run's
// outputs. A run that comes from it is verified blob by blob against the
// digests its manifest names, and is a run like any other afterwards: the
// validation gate and the deploy policy still judge it. Give write access to
// the cache repository as to the registry that holds released models.
//
// Nothing here fails training: a miss, an unreachable cache or an entry that
// does not verify is a note, and the command runs.
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>

namespace mlci::train {

struct RemoteCacheConfig {
    std::string dest; // HOST[:PORT]/REPO or oci:PATH; empty: no remote cache
    bool plain_http = false;
};

// The tag a run with cache key `key` has in the cache repository.
std::string remote_cache_tag(const hash::Digest& key);

struct RemoteHit {
    store::IndexEntry entry; // the run in the local store, tagged NAME:vN
    std::string source;      // where it came from, pinned: HOST/REPO:run-...@sha256:...
};

// Looks `key` up in the remote cache; on a hit, pulls the run (every blob
// verified) and tags it NAME:vN in `store` unless a tag of NAME names it
// already. Nothing on a miss; an error when the cache cannot be asked or
// the entry is not a succeeded run of `key` and `name` (the caller warns).
Result<std::optional<RemoteHit>> fetch_cached_run(store::Store& store,
                                                  const RemoteCacheConfig& cache,
                                                  const hash::Digest& key, const std::string& name);

// Pushes the run `entry` (succeeded, with cache key `key`) to the cache.
Status publish_cached_run(const store::Store& store, const RemoteCacheConfig& cache,
                          const store::IndexEntry& entry, const hash::Digest& key);

} // namespace mlci::train
