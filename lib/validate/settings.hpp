// The rules of `mlci validate` from its two sources: the `validate:` section
// of mlci.yaml and the flags. A flag's criterion on a metric replaces the
// configured ones on that metric and adds the others; regression limits
// likewise; --baseline replaces validate.baseline.
#pragma once

#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/validate/criterion.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::validate {

// The flags as given: an empty list or an unset baseline was not given.
struct GateFlags {
    std::vector<std::string> require;        // METRIC OP VALUE
    std::vector<std::string> max_regression; // METRIC=DELTA
    std::optional<std::string> baseline;
};

struct GateSettings {
    std::vector<Criterion> criteria;
    std::vector<RegressionLimit> limits;
    std::string baseline;            // empty: none, so limits are not checked
    bool baseline_from_flag = false; // must resolve; mlci.yaml's may not exist yet
};

// Merges `config` (read from `file`, named in errors) and `flags`. Usage
// errors for a criterion or limit that does not parse, and for
// --max-regression without any baseline to compare with.
Result<GateSettings> resolve(const GateFlags& flags,
                             const std::optional<config::ValidateConfig>& config,
                             const std::filesystem::path& file);

} // namespace mlci::validate
