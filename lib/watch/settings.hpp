// The settings of one `mlci watch`, from its two sources: the `watch:`
// section of mlci.yaml (config.hpp) and the flags, which win key by key.
// A flag that was given wins even when it says what the default says (or
// is empty): `--listen ''` turns off the server mlci.yaml asks for.
#pragma once

#include <chrono>
#include <cstdint>
#include <mlci/config/watch_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/watch/alert_policy.hpp>
#include <mlci/watch/baseline.hpp>
#include <mlci/watch/event.hpp>
#include <mlci/watch/report.hpp>
#include <mlci/watch/rule.hpp>
#include <mlci/watch/source.hpp>
#include <mlci/watch/watcher.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::watch {

// The window of a watch that runs until stopped and was given no size: it
// needs windows to evaluate (with --once, one window of every event will do).
inline constexpr uint64_t k_default_window_events = 1000;

// The rules of a watch that neither --rule nor watch.rules configures: drift
// of any feature and of the predictions, at the PSI limit `mlci test` uses.
// A limit on accuracy or error depends on the model, so none is assumed.
inline constexpr std::string_view k_default_rules[] = {"psi(*) > 0.2", "prediction_psi > 0.2"};

// The flags as given: an unset optional, an empty list of rules or an empty
// environment was not given.
struct WatchFlags {
    std::optional<std::string> events, baseline, baseline_table, target, name, listen, on_alert;
    std::optional<std::string> window; // N events or a duration
    std::optional<std::chrono::milliseconds> window_seconds, poll_interval;
    std::optional<std::string> clock; // event or arrival
    std::optional<std::string> ts_field, features_field, prediction_field, label_field;
    std::vector<std::string> rules; // replace mlci.yaml's when given
    std::string env; // the environment whose deployed package is the baseline (no yaml key)
    bool once = false, from_end = false, always_report = false;
};

struct WatchSettings {
    std::string events;   // a file, - or a URL
    std::string baseline; // a reference; empty when `env` names the baseline
    std::string env;
    std::string name; // empty: the baseline's name
    std::string listen;
    BaselineOptions baseline_options;
    std::vector<Rule> rules;
    bool default_rules = false; // `rules` are k_default_rules: none was configured
    WindowOptions window;
    SourceOptions source;
    EventFields fields;
    AlertPolicy alerts;
};

// Merges `config` and `flags`; usage errors for a watch that cannot run (no
// events, no baseline or two of them, a bad rule or window).
Result<WatchSettings> resolve(const WatchFlags& flags,
                              const std::optional<config::WatchConfig>& config);

// What the reports of this watch say about it; `source` as the source names
// itself. Its name is the watch's, else the baseline's.
ReportContext report_context(const WatchSettings& settings, const Baseline& baseline,
                             std::string source);

} // namespace mlci::watch
