// --on-alert: the command a window that alerts runs, with the report in its
// environment:
//   MLCI_WATCH_REPORT       the report's reference (watch-NAME:vN)
//   MLCI_WATCH_REPORT_FILE  a JSON file of the report (removed afterwards)
//   MLCI_WATCH_ALERTS       the alerts, one a line
//   MLCI_WATCH_WINDOW       the window's number
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/watch/rule.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::watch {

struct AlertHook {
    config::CommandSpec command;                     // argv exec'd, or a string for /bin/sh -c
    std::filesystem::path temp_dir;                  // where the report file is written
    std::function<void(std::string_view)> on_output; // the command's stdout and stderr
};

// Runs the hook to its end (at most five minutes) and returns its exit
// status; an error when it cannot start.
Result<int> run_alert_hook(const AlertHook& hook, const std::string& reference,
                           const nlohmann::json& report, const std::vector<Alert>& alerts,
                           uint64_t window);

// What a run of the hook is worth saying: a warning when it could not start
// or exited non-zero, else nothing. A notifier that fails is never the end
// of the watch.
std::string hook_warning(const Result<int>& status);

} // namespace mlci::watch
