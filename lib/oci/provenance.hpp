// Build provenance: an in-toto Statement v1 whose predicate is SLSA
// Provenance v1 (slsa.dev/provenance/v1), stored as an OCI 1.1 referrer of
// the image it describes, so registries keep it attached when pushed.
#pragma once

#include <map>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::oci {

inline constexpr const char* k_statement_type = "https://in-toto.io/Statement/v1";
inline constexpr const char* k_slsa_provenance = "https://slsa.dev/provenance/v1";
// mlci has no web home yet: these URIs name it under the reserved .invalid
// domain, so they can never resolve to someone else's page.
inline constexpr const char* k_build_type = "https://mlci.invalid/package/v1";
inline constexpr const char* k_builder_id = "https://mlci.invalid/builder/mlci-package";
inline constexpr const char* k_ann_predicate_type = "in-toto.io/predicate-type";

// A SLSA ResourceDescriptor: what the build used or made.
struct Resource {
    std::string name;
    std::string uri;
    std::map<std::string, std::string> digest; // {"sha256": HEX} or {"gitCommit": SHA}
    std::string media_type;
    std::map<std::string, std::string> annotations;
};

struct Provenance {
    std::string subject_name;
    hash::Digest subject;
    nlohmann::json external_parameters = nlohmann::json::object(); // what the user asked for
    nlohmann::json internal_parameters = nlohmann::json::object(); // what mlci chose
    std::vector<Resource> dependencies; // run, datasets, code, base image
    std::vector<Resource> byproducts;   // config, layers, validation
};

// The statement as JSON. It holds no clock time or host name, so building
// the same image twice gives the same statement (and blob).
nlohmann::json provenance_statement(const Provenance& p);

// Stores `statement` as an attestation manifest whose subject is `subject`
// (artifactType application/vnd.in-toto+json, one in-toto layer). Writes
// blobs only: the caller syncs the store and adds it to the index.
Result<store::Descriptor> put_attestation(store::Store& store, const store::Descriptor& subject,
                                          const nlohmann::json& statement,
                                          const std::string& created);

} // namespace mlci::oci
