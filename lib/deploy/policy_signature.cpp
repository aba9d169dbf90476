// The signature half of the deploy policy, on top of lib/sign.
#include <fmt/format.h>
#include <mlci/deploy/policy.hpp>
#include <mlci/sign/verify.hpp>

namespace mlci::deploy {

Result<PolicyCheck> check_signature(const store::Store& store, const store::Descriptor& package,
                                    const std::filesystem::path& public_key) {
    MLCI_TRY_ASSIGN(key, sign::load_public_key(public_key));
    MLCI_TRY_ASSIGN(check, sign::check_signatures(store, package, key));
    PolicyCheck out{"signature", check.valid, {}};
    out.detail = check.valid ? fmt::format("signed by {} ({})", public_key.filename().string(),
                                           check.accepted ? check.accepted->signer : "")
                             : fmt::format("no valid signature by {}: {}", public_key.string(),
                                           check.reason);
    return out;
}

} // namespace mlci::deploy
