// Git-style dispatch of subcommands that mlci does not know.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

namespace mlci::cli {

// When the first word after the global flags is not a subcommand of `app`:
// runs `mlci-WORD` from PATH (never returns on success), or throws a usage
// Failure that suggests the nearest subcommand. Returns nothing otherwise.
std::optional<int> dispatch_external(CLI::App& app, int argc, char** argv);

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b);

} // namespace mlci::cli
