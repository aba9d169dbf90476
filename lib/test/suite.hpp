// Test suites: a command that runs tests and (usually) writes JUnit XML,
// such as `pytest --junitxml=reports/unit.xml`. The command is supervised
// like a training run (lib/process's runner: its own process group,
// Ctrl-C forwarded, output streamed), then its report is read.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mlci/config/project_config.hpp>
#include <mlci/junit/junit.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::test {

namespace fs = std::filesystem;

struct SuiteSpec {
    std::string name;
    config::CommandSpec command; // argv exec'd, or a string for /bin/sh -c
    std::string junit;           // the report it writes, relative to cwd; may be empty
    fs::path cwd;                // the project root
    fs::path scratch;            // a folder for $MLCI_JUNIT when `junit` is empty
    std::optional<std::chrono::milliseconds> timeout;
};

struct SuiteRun {
    std::string name;
    std::string command; // for people: argv joined, or the shell string
    std::string junit;   // the report read; empty when none
    int exit_code = 0;
    bool timed_out = false;
    double seconds = 0;
    std::string log;                      // stdout and stderr as they came
    std::string junit_text;               // the report's bytes as written
    std::vector<junit::TestSuite> suites; // with the cases mlci adds (see run_suite)
    bool no_report = false;               // wrote no JUnit: one case, judged by the exit status

    junit::Counts counts() const;
    bool passed() const { return counts().ok(); }
};

// The name of a suite given as a bare command: its program's file name, or
// the module of `python -m MODULE` ("pytest" for `python3 -m pytest -q`).
std::string suite_name(const config::CommandSpec& command);

// The command that runs `command` so that it writes JUnit XML to `report`:
// pytest (`pytest`, `py.test`, `python -m pytest`, as a list or as a shell
// line of plain words) given no --junitxml gets --junitxml=REPORT (a shell
// line gets --junitxml="$MLCI_JUNIT", which run_suite sets to the same path),
// so that mlci counts its tests; any other command is returned as it is.
config::CommandSpec with_junit_report(const config::CommandSpec& command,
                                      const std::string& report);

// Checks before anything runs that the suite's program exists: a runtime
// error (exit 3) naming the suite when it does not.
Status check_runnable(const SuiteSpec& spec);

// Runs the suite. A stale report is removed first, so that an old file is
// never read as this run's. The environment gets MLCI_SUITE (the name) and
// MLCI_JUNIT (the absolute path where the report is expected), so a command
// can write to "$MLCI_JUNIT" without naming a path twice.
//
// The suite fails when a case failed or errored, and mlci adds an error case
// when the command exited non-zero with no failing case in its report
// (collection errors, crashes), when the report is missing or malformed, or
// when the command timed out. Without a declared report (and nothing at
// $MLCI_JUNIT) the suite is one case that passes when the command exits 0.
//
// Errors: the command cannot start, or a shell command ends with status 127
// or 126 (not found, not executable) and no report (exit 3); mlci was
// interrupted (exit 3: a partial test report is never stored).
Result<SuiteRun> run_suite(const SuiteSpec& spec,
                           const std::function<void(std::string_view)>& on_output);

} // namespace mlci::test
