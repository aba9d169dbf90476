// The repositories a store pushed to or pulled from, kept in the store's
// cache, so that a push to another repository of the same registry can mount
// blobs from one that has them instead of uploading them again.
#pragma once

#include <mlci/registry/reference.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::registry {

// Repositories on `host` other than `repository`: those that `artifact` was
// pushed to or pulled from first (they hold its blobs), then the others,
// most recently used first.
std::vector<std::string> mount_candidates(const store::Store& store, std::string_view host,
                                          std::string_view repository,
                                          const hash::Digest& artifact);

// The registry repositories `artifact` was pushed to or pulled from, most
// recently used first: they hold its blobs whole.
std::vector<RemoteRef> repositories_holding(const store::Store& store,
                                            const hash::Digest& artifact);

// Records that `artifact` went to or came from `ref` (a registry); best effort.
void remember_remote(const store::Store& store, const RemoteRef& ref, const hash::Digest& artifact);

} // namespace mlci::registry
