// What a run's cache key holds of an input dataset: its content, not its
// version. Two runners that each version the same files get two dataset
// manifests (their creation times and messages differ) with the same
// files; a run on one is a cache hit on the other.
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>

namespace mlci::train {

// One digest over the paths and content digests of every file in the
// dataset `manifest`'s file lists (each under its root's title). Sizes,
// modes and the manifest's annotations are left out.
Result<hash::Digest> input_content(const store::Store& store, const hash::Digest& manifest);

} // namespace mlci::train
