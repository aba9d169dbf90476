// A command that mlci.yaml or the command line names: train's, a test
// suite's, watch's on_alert. One form everywhere: a YAML list is argv, run
// directly; a string is one line for /bin/sh -c.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

// A command to run: argv when given as a YAML list, or one shell string.
struct CommandSpec {
    std::vector<std::string> argv; // exec'd directly
    std::string shell;             // run with /bin/sh -c when argv is empty
    bool empty() const { return argv.empty() && shell.empty(); }
};

// The argv that runs `command`: its argv, or /bin/sh -c STRING.
std::vector<std::string> command_argv(const CommandSpec& command);

// The command as one line for people and run records: the shell string, or
// argv joined with POSIX shell quoting (so that pasting it into a shell runs
// the same words).
std::string command_line(const CommandSpec& command);

// The command given after '--' (train, test): one word holding spaces is a
// shell line (-- 'python a.py && b'), more words are argv.
CommandSpec command_from_words(std::vector<std::string> words);

// The command at `node` of mlci.yaml (`key` names it in errors): a list or a
// string; an empty list is a usage error.
Result<CommandSpec> parse_command(const std::filesystem::path& file, const YAML::Node& node,
                                  std::string_view key);

} // namespace mlci::config
