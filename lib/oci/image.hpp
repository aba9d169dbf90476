// A runnable image in the store: the base's layers, new layers on top, an
// image config derived from the base's, and a manifest with annotations.
#pragma once

#include <mlci/oci/base_image.hpp>
#include <mlci/oci/image_config.hpp>
#include <mlci/oci/layer_writer.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::oci {

struct NewLayer {
    Layer layer;
    std::string created_by; // the history entry
    std::string comment;
};

struct ImageSpec {
    std::vector<NewLayer> layers; // on top of the base's, bottom first
    ConfigChanges changes;
    std::string created;            // RFC 3339, for the config and its history
    store::Annotations annotations; // of the manifest
    std::string artifact_type;      // of the manifest; empty for none
};

struct Image {
    store::Descriptor manifest; // as stored (artifactType set)
    store::Manifest doc;
    nlohmann::json config;
};

// Writes the config and manifest blobs (the layers are already stored).
Result<Image> put_image(store::Store& store, const BaseImage& base, const ImageSpec& spec);

} // namespace mlci::oci
