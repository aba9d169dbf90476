// The `watch:` section of mlci.yaml; every key has a flag, and flags win.
//
//   watch:
//     name: iris                 # reports are tagged watch-<name>:vN
//     events: logs/predictions.jsonl   # a file, -, or an http(s) URL
//     baseline: iris-image:latest      # a package, run or dataset
//     baseline_table: data/iris.csv
//     target: species
//     window: 1000               # events, or a duration: 30s, 5m, 1h
//     clock: event               # or arrival
//     rules: ["psi(*) > 0.2", "accuracy < 0.85"]
//     on_alert: [notify.sh]      # a list (exec) or a string (sh -c)
//     listen: 127.0.0.1:9464
//     poll_interval: 0.5         # seconds, or a duration: 500ms
//     fields: {ts: ts, features: features, prediction: prediction, label: label}
#pragma once

#include <chrono>
#include <filesystem>
#include <mlci/config/command_spec.hpp>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

struct WatchConfig {
    std::optional<std::string> name, events, baseline, baseline_table, target, clock, listen;
    std::optional<uint64_t> window_events;
    std::optional<double> window_seconds;
    std::vector<std::string> rules;
    CommandSpec on_alert;
    std::optional<std::chrono::milliseconds> poll_interval;
    std::optional<std::string> ts_field, features_field, prediction_field, label_field;
};

// The largest window in events: far beyond any use, and within uint64_t.
inline constexpr uint64_t k_max_window_events = 1'000'000'000'000'000;

// Parses a window size: a count of events ("1000") or a duration ("30s",
// "5m", "1h", "250ms"; as lib/core/duration.hpp). Sets one of the two; an
// error message otherwise.
std::string parse_window(std::string_view text, std::optional<uint64_t>& events,
                         std::optional<double>& seconds);

// Reads root["watch"]; nothing when absent. Unknown keys and wrong types are
// usage errors naming file:line and the key.
Result<std::optional<WatchConfig>> parse_watch_config(const YAML::Node& root,
                                                      const std::filesystem::path& file);

} // namespace mlci::config
