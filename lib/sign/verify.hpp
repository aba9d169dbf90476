// Checking an artifact's signatures: what `mlci verify-signature` and the
// deploy step's signature policy call.
#pragma once

#include <mlci/sign/key.hpp>
#include <mlci/sign/signature.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::sign {

// One signature artifact of the subject and what came of checking it.
struct SignatureVerdict {
    store::Descriptor signature; // the signature artifact's manifest
    bool valid = false;
    std::string keyid;   // the key id its envelope names (first signature)
    std::string created; // when it says it was signed
    std::string signer;  // who it says signed (may be empty)
    std::string reason;  // why it does not verify; empty when valid
};

struct SignatureCheck {
    bool valid = false;                       // at least one signature by the key verifies
    std::string reason;                       // when not valid: why, for a person
    std::optional<SignatureVerdict> accepted; // the first valid signature
    std::vector<SignatureVerdict> signatures; // every signature artifact examined
};

// Checks the signature artifacts in `store` whose subject is `subject`:
// valid when one has a DSSE signature by `key` over an in-toto statement
// whose subject digest is `subject`'s (a signature copied onto another
// artifact fails). Errors only for a store that cannot be read.
Result<SignatureCheck> check_signatures(const store::Store& store, const store::Descriptor& subject,
                                        const PublicKey& key);

// Checks one envelope (its bytes as stored) for `subject_digest` and `key`:
// nothing when valid, else why not.
std::optional<std::string> check_envelope(std::string_view envelope_text,
                                          const hash::Digest& subject_digest, const PublicKey& key,
                                          SignatureVerdict* verdict = nullptr);

} // namespace mlci::sign
