// The essentials of the machine and interpreter a run used, for its record.
// Never the environment wholesale: variables carry credentials.
#pragma once

#include <mlci/config/project_config.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::train {

// {"host","os","arch","cpus","memory_bytes","mlci", and when the command is
// run by Python: "python":{"executable","version"}}. `env` is the command's
// environment (for PATH); `cwd` where it runs.
nlohmann::json describe_environment(const config::CommandSpec& command,
                                    const std::vector<std::string>& env, const std::string& cwd);

} // namespace mlci::train
