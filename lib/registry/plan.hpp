// What pushing an artifact involves: its manifests (children first), the
// blobs each names, the per-file blobs its file lists name, the "blob
// index" manifests that keep those alive in a registry, and its referrers.
#pragma once

#include <mlci/registry/remote.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::registry {

// artifactType of the manifests that list a dataset's per-file blobs as
// layers, with the dataset as subject: registries garbage-collect blobs no
// manifest names, and file lists are blobs, not manifests.
inline constexpr const char* k_type_blob_index = "application/vnd.mlci.blobs.v1";
inline constexpr size_t k_blob_index_size = 1000; // layers per blob index manifest
inline constexpr const char* k_ann_blob_index_part = "dev.mlci.blobs.part";

struct ManifestPlan {
    store::Descriptor desc;
    std::string bytes;
    std::vector<store::Descriptor> blobs; // config and layers that are not manifests
    std::vector<store::Descriptor> files; // blobs listed by its file-list layers
};

// The manifests reachable from `root` through indexes, children first and
// `root` last, each with its blobs. Lineage annotations are not followed:
// they name other artifacts, pushed on their own.
Result<std::vector<ManifestPlan>> plan_artifact(const store::Store& store,
                                                const store::Descriptor& root);

// The blob index manifests for `files` (sorted, deduplicated, at most
// k_blob_index_size a manifest) with `subject` as their subject. The same
// files always give the same manifests.
std::vector<RawManifest> blob_index_manifests(const store::Descriptor& subject,
                                              std::vector<store::Descriptor> files);

// The empty config ("{}") that blob index manifests use.
store::Descriptor empty_config();

// Manifests listed in the store's index whose subject is `subject`, as
// descriptors carrying their artifactType and annotations.
Result<std::vector<store::Descriptor>> local_referrers(const store::Store& store,
                                                       const hash::Digest& subject);

// A descriptor for manifest bytes: media type, digest, size, artifactType.
store::Descriptor describe(const RawManifest& m);

} // namespace mlci::registry
