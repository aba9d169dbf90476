// What a package must prove before it ships: a passing validation of its
// run, a provenance attestation naming this image and that run, and, where
// the environment names a public key, a valid signature.
#pragma once

#include <filesystem>
#include <mlci/deploy/record.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <vector>

namespace mlci::deploy {

struct PolicySettings {
    bool require_validation = true;
    std::optional<std::filesystem::path> public_key;
};

// Runs every check (all of them, so the refusal names each that failed).
// Errors only when a check cannot run (an unreadable key file is a usage error).
Result<std::vector<PolicyCheck>> check_policy(const store::Store& store,
                                              const store::Descriptor& package,
                                              const store::Manifest& manifest,
                                              const PolicySettings& settings);

// The signature check alone (lib/sign): whether `package` carries a valid
// signature by the key in `public_key`.
Result<PolicyCheck> check_signature(const store::Store& store, const store::Descriptor& package,
                                    const std::filesystem::path& public_key);

// Whether the manifest is a package (an image or ModelPack artifact made by
// `mlci package`, or pulled from one).
bool is_package(const store::Manifest& m);

} // namespace mlci::deploy
