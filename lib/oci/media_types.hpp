// Media types of container images and model artifacts beyond the store's own
// (store/media_types.hpp has the manifest, index and config types).
#pragma once

namespace mlci::oci {

// OCI image layers
inline constexpr const char* k_layer_tar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* k_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* k_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* k_layer_nondistributable_gzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

// Docker image manifest v2 schema 2 (read from base images only)
inline constexpr const char* k_docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* k_docker_layer_gzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* k_docker_layer_foreign =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

// CNCF ModelPack (github.com/modelpack/model-spec, specs-go/v1)
inline constexpr const char* k_model_manifest = "application/vnd.cncf.model.manifest.v1+json";
inline constexpr const char* k_model_config = "application/vnd.cncf.model.config.v1+json";
inline constexpr const char* k_model_weight = "application/vnd.cncf.model.weight.v1.tar";
inline constexpr const char* k_model_weight_config =
    "application/vnd.cncf.model.weight.config.v1.tar";
inline constexpr const char* k_model_doc = "application/vnd.cncf.model.doc.v1.tar";
inline constexpr const char* k_model_code = "application/vnd.cncf.model.code.v1.tar";
inline constexpr const char* k_model_dataset = "application/vnd.cncf.model.dataset.v1.tar";
inline constexpr const char* k_ann_model_filepath = "org.cncf.model.filepath";
inline constexpr const char* k_ann_model_file_metadata = "org.cncf.model.file.metadata+json";

// in-toto attestations stored as OCI referrers
inline constexpr const char* k_in_toto = "application/vnd.in-toto+json";

// Standard annotations an image carries
inline constexpr const char* k_ann_source = "org.opencontainers.image.source";
inline constexpr const char* k_ann_version = "org.opencontainers.image.version";
inline constexpr const char* k_ann_title = "org.opencontainers.image.title";

} // namespace mlci::oci
