// The edges between blobs in the store: what a manifest, an index or a file
// list refers to. verify, gc, show and push all walk this one graph.
#pragma once

#include <functional>
#include <mlci/store/store.hpp>
#include <string>
#include <unordered_set>
#include <vector>

namespace mlci::store {

struct Edge {
    hash::Digest digest;
    std::string media_type; // how the parent describes the child; empty for lineage
    // Structural edges must exist for the parent to be whole; lineage edges
    // (digests in mlci annotations) may point outside the store, e.g. after a
    // pull, and so may the data of a file list pulled in part (partial.hpp).
    bool required = true;
};

// True for media types whose blobs list further blobs (manifests, indexes, file lists).
bool has_children(std::string_view media_type);

class ChunkLocator;

// The edges out of the blob `d` described with `media_type`. Blobs that list
// nothing give an empty list without being read. A chunk list's children
// are the packs that hold its chunks in this store (chunk_locator.hpp),
// found through `locator` when given (a walk shares one).
Result<std::vector<Edge>> children(const Store& store, const hash::Digest& d,
                                   std::string_view media_type, ChunkLocator* locator = nullptr);

// The digests that annotations name as lineage: each value that is a digest or
// a comma-separated list of digests.
std::vector<hash::Digest> lineage_digests(const Annotations& annotations);

// A blob that a walk could not follow: missing, corrupt or malformed.
struct Problem {
    Edge edge;
    hash::Digest parent; // empty for a root
    std::string message;
};

// Visits every blob reachable from `roots` once (depth first); missing
// lineage targets are skipped. With `on_problem`, missing required blobs and
// unreadable manifests are reported there and the walk goes on; without it,
// the first one ends the walk with an error (what gc needs: never guess).
Status walk(const Store& store, const std::vector<Descriptor>& roots,
            const std::function<void(const Edge&)>& on_visit,
            const std::function<void(const Problem&)>& on_problem = {});

} // namespace mlci::store
