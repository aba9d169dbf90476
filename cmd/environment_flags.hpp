// The flags of an environment that `mlci deploy` and `deploy rollback`
// share: each overrides a key of the environment in mlci.yaml.
#pragma once

#include <CLI/CLI.hpp>
#include <mlci/deploy/settings.hpp>

namespace mlci::cli {

// Adds them to `cmd`; `f` gets the ones given (lib/deploy/settings.hpp).
void add_environment_flags(CLI::App* cmd, deploy::EnvironmentFlags& f);

} // namespace mlci::cli
