// A flag that takes a duration (lib/core/duration.hpp): checked when the
// command line is read, so that a bad value is a usage error (exit 2) that
// names the flag, and the command gets milliseconds that cannot overflow.
#pragma once

#include <chrono>
#include <CLI/CLI.hpp>
#include <mlci/core/duration.hpp>
#include <optional>
#include <string>

namespace mlci::cli {

// Adds `name` to `cmd`; `out` holds the value when the flag is given. The
// help text gets the accepted forms and the maximum appended.
CLI::Option* add_duration_option(CLI::App* cmd, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& out,
                                 const std::string& help,
                                 ZeroDuration zero = ZeroDuration::refused);

} // namespace mlci::cli
