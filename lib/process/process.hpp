// Running a command under supervision: fork/exec in a process group of its
// own, its output streamed to a callback, signals forwarded, a timeout that
// kills the whole group, and its resource use measured with wait4.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::process {

namespace fs = std::filesystem;

struct ProcessSpec {
    std::vector<std::string> argv; // argv[0] is searched in env's PATH unless it has a '/'
    std::vector<std::string> env;  // the whole environment, "NAME=VALUE"
    fs::path cwd;                  // empty: mlci's working directory
    std::optional<std::chrono::milliseconds> timeout;
    // How long a group that was sent SIGTERM/SIGINT has before SIGKILL.
    std::chrono::milliseconds kill_grace{std::chrono::seconds(5)};
    // Each chunk the command writes to stdout or stderr, in arrival order.
    // Standard input is /dev/null: a recorded run must not depend on a terminal.
    std::function<void(std::string_view)> on_output;
};

struct ProcessResult {
    int exit_code = 0;   // the exit status, or 128 + signal when killed (as shells say)
    int term_signal = 0; // the signal that ended it; 0 when it exited
    bool timed_out = false;
    int interrupted = 0; // the signal mlci received and forwarded; 0 when none
    double wall_seconds = 0;
    double cpu_seconds = 0;     // user + system of the command and the children it waited for
    uint64_t max_rss_bytes = 0; // peak resident memory of the largest process in the tree
};

// Runs the command to its end and returns how it ended. An error (exit code
// 3) only when it cannot start: program not found, not executable, bad cwd.
// Interrupts counted by an InterruptGuard are forwarded to the group; a
// second one, or kill_grace passing, sends SIGKILL. When the command exits,
// what is left of its group is killed: a run must not outlive its record.
Result<ProcessResult> run_process(const ProcessSpec& spec);

// The program that `name` runs with `path` as PATH: `name` itself when it has
// a '/', else the first executable file named so in PATH.
Result<std::string> find_program(const std::string& name, std::string_view path);

// The environment of this process as "NAME=VALUE" strings.
std::vector<std::string> current_environment();

// Sets NAME in an environment list (replacing an earlier value).
void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value);

// The value of NAME in an environment list, if set.
std::optional<std::string> get_env(const std::vector<std::string>& env, std::string_view name);

} // namespace mlci::process
