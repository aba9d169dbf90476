// One blob from a remote into the store: streamed into a temporary file,
// checked against its size and digest, and only then given its name
// (store.hpp: a blob is whole or absent). Shared by pull and by push, which
// fetches a pack the store holds only in part from where the version came.
#pragma once

#include <mlci/registry/remote.hpp>
#include <mlci/store/store.hpp>

namespace mlci::registry {

// Fetches `d` from `remote` into `store`. A pack is also entered in the
// chunk index, so that later adds deduplicate against its chunks. Not made
// durable: the caller syncs the store before naming it.
Status fetch_into_store(const store::Store& store, Remote& remote, const store::Descriptor& d,
                        TransferStats& stats);

// Fetches the pack `pack` whole into `store` from a registry repository
// that `artifact` was pulled from or pushed to (known_remotes.hpp), reached
// with `options` (its --plain-http too). A store that pulled the version by
// range, or whose gc --repack moved the pack's live chunks, holds only some
// of its chunks and could not push it to a registry that lacks it. Made
// durable before it returns. An error names the repositories tried.
Status fetch_pack_from_origin(const store::Store& store, const hash::Digest& artifact,
                              const store::Descriptor& pack, RemoteOptions options);

} // namespace mlci::registry
