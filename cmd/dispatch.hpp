// Git-style dispatch of subcommands that mlci does not know.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::cli {

// When the first word after the global flags is not a subcommand of `app`:
// runs `mlci-WORD` from PATH (never returns on success), or throws a usage
// Failure that suggests the nearest subcommand. Returns nothing otherwise.
std::optional<int> dispatch_external(CLI::App& app, int argc, char** argv);

// Edit distance with adjacent transpositions ("tarin" is 1 from "train"),
// for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b);

// The name of `names` that `word` is a likely typo of, or "": within one
// edit per three letters (at least one), or a prefix of at least 3 letters.
// "list" is 2 edits from "test" in 4 letters: not close, no suggestion.
std::string close_name(std::string_view word, const std::vector<std::string>& names);

// The visible subcommands of `app`, by name.
std::vector<std::string> subcommand_names(const CLI::App& app);

} // namespace mlci::cli
