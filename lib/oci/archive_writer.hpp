// Writing an image out of the store as one file (`--output`):
//
//   oci-archive:FILE     a tar of an OCI image layout holding just this image,
//                        its index entry named NAME:TAG (skopeo, podman load)
//   docker-archive:FILE  `docker save`'s format: manifest.json with Config,
//                        RepoTags and Layers, layers as uncompressed tars
//                        (docker load, skopeo)
//
// Both are written to a temporary file renamed into place, in a fixed entry
// order with fixed metadata, so the same image gives the same archive.
#pragma once

#include <filesystem>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <string>

namespace mlci::oci {

enum class ArchiveKind { oci, docker };

struct ArchiveTarget {
    ArchiveKind kind = ArchiveKind::oci;
    std::filesystem::path file;
};

// Parses "oci-archive:FILE" or "docker-archive:FILE".
Result<ArchiveTarget> parse_archive_target(std::string_view spec);

// Writes the image `manifest` names to `target` under `name` ("NAME:TAG").
Status write_archive(const store::Store& store, const store::Descriptor& manifest,
                     const std::string& name, const ArchiveTarget& target, int64_t mtime,
                     const Reporter& reporter);

} // namespace mlci::oci
