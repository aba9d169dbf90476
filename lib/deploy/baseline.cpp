#include <mlci/deploy/baseline.hpp>
#include <mlci/store/reference.hpp>
#include <sstream>

namespace mlci::deploy {

Result<BaselineTarget> resolve_baseline(const store::Store& store, std::string_view text) {
    std::istringstream no_input; // "-" is no baseline: standard input holds the run
    bool environment_name = validate_environment_name(text).has_value();
    if (environment_name) {
        MLCI_TRY_ASSIGN(deployed, current(store, text));
        if (deployed) {
            MLCI_TRY_ASSIGN(entry,
                            store::resolve(store, deployed->deployment.package.str(), no_input));
            return BaselineTarget{entry, std::move(deployed)};
        }
    }
    auto entry = store::resolve(store, text, no_input);
    if (!entry && environment_name)
        return usage_error("'{}' is neither a reference in the store nor an environment with a "
                           "deployment",
                           text);
    if (!entry)
        return std::unexpected(std::move(entry.error()));
    return BaselineTarget{*entry, std::nullopt};
}

} // namespace mlci::deploy
