#include <mlci/deploy/policy.hpp>

namespace mlci::deploy {

Result<PolicyCheck> check_signature(const store::Store&, const store::Descriptor&,
                                    const std::filesystem::path& key) {
    return usage_error("signature policy with {} needs `mlci sign` (not built yet)", key.string());
}

} // namespace mlci::deploy
