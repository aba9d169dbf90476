// The two things `mlci package` can build from a run: a runnable image
// (build_image) or a ModelPack artifact (build_modelpack). Used by
// package.cpp; blobs only, the caller syncs, tags and indexes.
#pragma once

#include <mlci/oci/base_image.hpp>
#include <mlci/package/package.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::package {

struct BuildContext {
    store::Store& store;
    const RunSource& src;
    const Options& options;
    const Reporter& reporter;
    int64_t mtime = 0;   // of every tar entry
    std::string created; // RFC 3339, of the config and annotations
    std::string name;    // the package's name (the tag without :TAG)
    std::string version; // the TAG of --tag NAME:TAG; empty otherwise
};

struct Built {
    store::Descriptor manifest;
    store::Manifest doc;
    std::vector<oci::Layer> layers; // made here, model first
    uint64_t model_files = 0, model_bytes = 0, serving_files = 0;
    std::optional<oci::BaseImage> base; // images only
};

Result<Built> build_image(const BuildContext& ctx);
Result<Built> build_modelpack(const BuildContext& ctx);

} // namespace mlci::package
