// A command given as one string (train.command: "python3 train.py") runs with
// /bin/sh -c, and a shell that cannot find the program exits 127 like any
// failing command. A list (train.command: [python3, train.py]) is exec'd, and
// a missing program is an environment error (exit 3) before anything is
// recorded. Both forms must say the same for the same mistake, so a string
// that is one simple command has its program looked up first, as a list's is.
// For anything more (quotes, expansions, redirections, pipes, lists such as
// 'a || b', a PATH set on the way) only the shell knows what runs, and a
// lookup could refuse a line that works: such lines are left to the shell.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::process {

namespace fs = std::filesystem;

// The program that the shell line `line` runs when it is a simple command of
// plain words (after leading NAME=VALUE assignments) and not a shell builtin
// or keyword; nothing when only the shell can tell.
std::optional<std::string> simple_command_program(std::string_view line);

// An environment error (exit 3) when `line` is a simple command whose
// program cannot be run: not in `path` (the command's PATH), or, when it
// names a path, not an executable file there (relative to `cwd`).
Status check_shell_program(std::string_view line, std::string_view path, const fs::path& cwd);

} // namespace mlci::process
