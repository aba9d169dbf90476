// The --json documents of `mlci key generate`, `mlci sign` and `mlci
// verify-signature`: one place that names their fields. Nothing of a
// private key goes into any of them.
#pragma once

#include <mlci/sign/key.hpp>
#include <mlci/sign/signature.hpp>
#include <mlci/sign/verify.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::sign {

// `key generate`: {"private_key", "public_key" (the paths), "keyid",
// "encrypted"}.
nlohmann::json key_json(const KeyFiles& files, const PublicKey& key, bool encrypted);

// `sign`: {"reference" and "digest" (both the signature's digest), "subject"
// (the signed manifest's digest), "name", "signer" (as `options` has them),
// "keyid"}.
nlohmann::json signed_json(const store::Descriptor& signature, const store::Descriptor& subject,
                           const SignOptions& options, const PublicKey& key);

// One signature examined: {"digest", "valid", "keyid", "created", "signer"},
// and "reason" when it is not valid.
nlohmann::json to_json(const SignatureVerdict& verdict);

// `verify-signature`: {"reference" (`name`), "digest" (the subject's),
// "keyid" (`key`'s), "valid", "signatures"}, and "reason" when not valid.
nlohmann::json to_json(const SignatureCheck& check, const std::string& name,
                       const store::Descriptor& subject, const PublicKey& key);

} // namespace mlci::sign
