// One `mlci watch` from start to end: the source, the metrics server, the
// watcher, and what each window leads to (alert_policy.hpp). It prints
// nothing: every line goes through SessionOutput, and cmd/ decides where.
#pragma once

#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/store/store.hpp>
#include <mlci/watch/alert_policy.hpp>
#include <mlci/watch/baseline.hpp>
#include <mlci/watch/settings.hpp>
#include <mlci/watch/watcher.hpp>
#include <string>
#include <string_view>

namespace mlci::watch {

struct SessionOutput {
    std::function<void(const std::string&)> note;  // a line for a person
    std::function<void(const std::string&)> warn;  // a warning
    std::function<void(const std::string&)> alert; // an alert line (alert: RULE ...)
    // After each window: its report, and its reference when it was stored.
    std::function<void(const WindowOutcome&)> window;
    // The output of the --on-alert command.
    std::function<void(std::string_view)> hook_output;
};

struct SessionResult {
    Totals totals;
    bool alerted = false; // a window raised an alert
};

// Watches `settings.events` against `baseline` until the source ends or
// `stop` returns true. Errors for a source or server that cannot start, a
// report that cannot be stored, or a source that fails for good.
Result<SessionResult> run_session(store::Store& store, const WatchSettings& settings,
                                  const Baseline& baseline, const std::function<bool()>& stop,
                                  const SessionOutput& out);

} // namespace mlci::watch
