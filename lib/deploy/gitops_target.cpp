#include <mlci/deploy/target.hpp>

namespace mlci::deploy {

Result<std::unique_ptr<Target>> open_gitops_target(const std::string& spec, const TargetSettings&) {
    return usage_error("gitops target {}: not built yet", spec);
}

} // namespace mlci::deploy
