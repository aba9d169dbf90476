#include <mlci/validate/settings.hpp>
#include <mlci/validate/validation.hpp>

namespace mlci::validate {

Result<GateSettings> resolve(const GateFlags& flags,
                             const std::optional<config::ValidateConfig>& config,
                             const std::filesystem::path& file) {
    std::vector<Criterion> configured, given;
    std::vector<RegressionLimit> configured_limits, given_limits;
    if (config) {
        for (auto& text : config->require) {
            auto c = parse_criterion(text);
            if (!c)
                return usage_error("'{}': validate.require: {}", file.string(), c.error().message);
            configured.push_back(*c);
        }
        for (auto& [metric, delta] : config->max_regression)
            configured_limits.push_back({metric, delta, false, std::nullopt});
    }
    for (auto& text : flags.require) {
        MLCI_TRY_ASSIGN(c, parse_criterion(text));
        given.push_back(c);
    }
    for (auto& text : flags.max_regression) {
        MLCI_TRY_ASSIGN(l, parse_regression_limit(text));
        given_limits.push_back(l);
    }
    GateSettings s;
    s.criteria = merge_criteria(configured, given);
    s.limits = merge_limits(configured_limits, given_limits);
    s.baseline_from_flag = flags.baseline.has_value();
    s.baseline = flags.baseline ? *flags.baseline : config ? config->baseline : std::string();
    if (!flags.max_regression.empty() && s.baseline.empty())
        return usage_error("--max-regression needs a baseline to compare with (pass --baseline "
                           "REF or set validate.baseline in mlci.yaml)");
    return s;
}

} // namespace mlci::validate
