// The image a package starts from (--base): its layers are reused as they
// are, by descriptor, and its config is the one mlci edits.
//
//   scratch                nothing: an empty amd64/linux image
//   oci:PATH[:REF]         an OCI image layout directory (as `skopeo copy` writes)
//   oci-archive:FILE[:REF] a tar of one
//   NAME:TAG, a digest...  an image already in the store (`mlci pull` puts it there)
//
// Blobs from a layout or archive are copied into the store, each checked.
// A registry reference is refused: `mlci pull` fetches it first.
#pragma once

#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::oci {

struct Platform {
    std::string os = "linux";
    std::string architecture = "amd64";
    std::string variant; // empty: any
};

// "linux/arm64/v8" -> {linux, arm64, v8}; a usage error for anything else.
Result<Platform> parse_platform(std::string_view text);

struct BaseImage {
    std::string spec;                          // as given
    std::optional<store::Descriptor> manifest; // the base's manifest; empty for scratch
    std::vector<store::Descriptor> layers;     // OCI media types; every blob in the store
    nlohmann::json config;                     // the base's config document
    bool scratch() const { return !manifest; }
};

// Loads --base `spec` (see above), choosing `platform` from a multi-platform
// index. Unknown or unsupported bases are usage errors that say what to do.
Result<BaseImage> load_base_image(const store::Store& store, const std::string& spec,
                                  const Platform& platform, const Reporter& reporter);

} // namespace mlci::oci
