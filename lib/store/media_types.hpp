// The media types and annotation keys that artifacts in the store use.
#pragma once

#include <string_view>

namespace mlci::store {

// OCI image-spec 1.1
inline constexpr const char* k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* k_oci_empty = "application/vnd.oci.empty.v1+json";
inline constexpr const char* k_oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* k_docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* k_docker_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";

// A manifest (one artifact) or an index (a list of them), OCI or Docker.
inline bool is_manifest_type(std::string_view t) {
    return t == k_oci_manifest || t == k_docker_manifest;
}
inline bool is_index_type(std::string_view t) {
    return t == k_oci_index || t == k_docker_list;
}

// Standard annotations
inline constexpr const char* k_ann_ref_name = "org.opencontainers.image.ref.name";
inline constexpr const char* k_ann_created = "org.opencontainers.image.created";
inline constexpr const char* k_ann_revision = "org.opencontainers.image.revision";
inline constexpr const char* k_ann_description = "org.opencontainers.image.description";

// mlci's artifact kinds (artifactType) — ARCHITECTURE.md §1
inline constexpr const char* k_type_dataset = "application/vnd.mlci.dataset.v1";
inline constexpr const char* k_type_test_report = "application/vnd.mlci.test-report.v1";
inline constexpr const char* k_type_run = "application/vnd.mlci.run.v1";
inline constexpr const char* k_type_validation = "application/vnd.mlci.validation.v1";
inline constexpr const char* k_type_package = "application/vnd.mlci.package.v1";
inline constexpr const char* k_type_deployment = "application/vnd.mlci.deployment.v1";
inline constexpr const char* k_type_watch_report = "application/vnd.mlci.watch-report.v1";

// A blob listing files (path, size, mode, digest): its entries are children
// of the blob, so verify, gc and push follow them like layers.
inline constexpr const char* k_media_file_list = "application/vnd.mlci.files.v1+json";
// A large file's chunks, split into chunk lists (store/chunk_list.hpp) that
// name the packs (store/pack.hpp) holding them.
inline constexpr const char* k_media_chunk_list = "application/vnd.mlci.chunks.v1+json";
inline constexpr const char* k_media_pack = "application/vnd.mlci.pack.v1";

// mlci annotation keys. Values holding digests (one, or several separated by
// commas) are lineage: gc keeps what they name.
inline constexpr const char* k_ann_kind = "dev.mlci.kind";
inline constexpr const char* k_ann_name = "dev.mlci.name";
inline constexpr const char* k_ann_message = "dev.mlci.message";
inline constexpr const char* k_ann_lineage_prefix = "dev.mlci.lineage.";

} // namespace mlci::store
