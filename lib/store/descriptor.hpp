// An OCI content descriptor, and the manifest of an mlci artifact.
#pragma once

#include <cstdint>
#include <map>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::store {

using Annotations = std::map<std::string, std::string>;

struct Descriptor {
    std::string media_type;
    hash::Digest digest;
    uint64_t size = 0;
    std::string artifact_type; // empty when none
    Annotations annotations;
    std::optional<nlohmann::json> platform; // kept as-is for image indexes
};

nlohmann::json to_json(const Descriptor& d);
Result<Descriptor> descriptor_from_json(const nlohmann::json& j);

// An image manifest (OCI 1.1) as mlci writes and reads it.
struct Manifest {
    std::string media_type; // k_oci_manifest unless read from elsewhere
    std::string artifact_type;
    Descriptor config;
    std::vector<Descriptor> layers;
    std::optional<Descriptor> subject;
    Annotations annotations;
};

nlohmann::json to_json(const Manifest& m);
// Parses an image manifest; `where` names it in errors.
Result<Manifest> parse_manifest(std::string_view text, std::string_view where);

// The canonical bytes of a JSON document as mlci writes blobs: compact,
// keys sorted (nlohmann's object order), so the same content has one digest.
std::string canonical(const nlohmann::json& j);

} // namespace mlci::store
