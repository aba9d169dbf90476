// What a finished window of `mlci watch` leads to. A window that alerts is
// stored as a watch report (watch-NAME:vN) and handed to the --on-alert
// command; a window that passes is stored only with --always-report, so
// that a quiet watch does not fill the store.
#pragma once

#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/store/store.hpp>
#include <mlci/watch/baseline.hpp>
#include <mlci/watch/report.hpp>
#include <mlci/watch/watcher.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::watch {

struct AlertPolicy {
    bool always_report = false;   // store a report for every window
    config::CommandSpec on_alert; // run when a window alerts; empty: none
};

struct WindowOutcome {
    nlohmann::json report; // the window's report (report.hpp)
    std::string reference; // its tag when it was stored (watch-NAME:vN); empty otherwise
    bool notify = false;   // the window alerted and there is a command to run
};

// Builds the window's report and stores it when the policy says so.
Result<WindowOutcome> settle_window(store::Store& store, const WindowResult& window,
                                    const Baseline& baseline, const ReportContext& ctx,
                                    const AlertPolicy& policy);

// The --json document of a window: its report, with "reference" when it
// was stored.
nlohmann::json to_json(const WindowOutcome& outcome);

} // namespace mlci::watch
