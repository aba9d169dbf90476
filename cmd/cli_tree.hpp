// Walking the CLI11 command tree: the one definition that help, man pages
// and shell completions are all generated from.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mlci::cli {

struct FlagInfo {
    std::vector<std::string> shorts; // "-n"
    std::vector<std::string> longs;  // "--name"
    std::string value;               // the value's name ("NAME"), empty for a flag
    std::string description;
    bool positional = false;
    bool required = false;
    bool many = false; // takes several values (PATH...)
};

// The visible subcommands of `app`, in the order they were added.
std::vector<CLI::App*> visible_subcommands(const CLI::App* app);
// The options and positionals of `app` (without inherited globals).
std::vector<FlagInfo> flags_of(const CLI::App* app);
// "mlci data-version add"
std::string command_path(const CLI::App* app);
// Every command below `app`, depth first, `app` itself first.
std::vector<CLI::App*> all_commands(CLI::App* app);

} // namespace mlci::cli
