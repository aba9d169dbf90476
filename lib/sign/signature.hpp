// Signature artifacts: a DSSE envelope over an in-toto Statement v1 naming
// an artifact's manifest digest, stored as an OCI 1.1 artifact whose
// subject is that manifest, so that push and pull carry it as a referrer.
#pragma once

#include <mlci/sign/dsse.hpp>
#include <mlci/sign/key.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <string>

namespace mlci::sign {

inline constexpr const char* k_type_signature = "application/vnd.dev.mlci.signature.v1+json";
inline constexpr const char* k_media_dsse = "application/vnd.dsse.envelope.v1+json";
inline constexpr const char* k_statement_type = "https://in-toto.io/Statement/v1";
inline constexpr const char* k_predicate_type = "https://mlci.dev/signature/v1";
// Annotation of signature manifests: the key id that signed.
inline constexpr const char* k_ann_keyid = "dev.mlci.signature.keyid";

struct SignOptions {
    std::string name;    // the subject's name in the statement (a tag, else its digest)
    std::string signer;  // who signed, e.g. "user@host" (empty: left out)
    std::string created; // RFC 3339; empty: now
};

// The in-toto Statement v1 that a signature of `subject` signs.
nlohmann::json make_statement(const store::Descriptor& subject, const std::string& keyid,
                              const SignOptions& options);

// The DSSE envelope of `statement` signed with `key`.
Result<Envelope> sign_statement(const nlohmann::json& statement, const PrivateKey& key);

// Signs the manifest `subject` and stores the signature artifact (untagged,
// listed in the index so push finds it). Returns its descriptor.
Result<store::Descriptor> sign_artifact(store::Store& store, const store::IndexEntry& subject,
                                        const PrivateKey& key, const SignOptions& options);

} // namespace mlci::sign
