// A baseline named by text, as `validate --baseline`, validate.baseline and
// `report --baseline` take it: an environment with a deployment stands for
// the package deployed there (what runs in production is the model to beat);
// anything else is a reference in the store. One rule for every step, so
// `production` means the same in validate and in report.
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string_view>

namespace mlci::deploy {

struct BaselineTarget {
    store::IndexEntry entry;                 // the artifact the text stands for
    std::optional<DeploymentEntry> deployed; // set when the text named an environment
};

// A usage error when `text` is neither a reference in the store nor an
// environment with a deployment.
Result<BaselineTarget> resolve_baseline(const store::Store& store, std::string_view text);

} // namespace mlci::deploy
