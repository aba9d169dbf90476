#include <charconv>
#include <cmath>
#include <mlci/config/watch_config.hpp>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/duration.hpp>

namespace mlci::config {

std::string parse_window(std::string_view text, std::optional<uint64_t>& events,
                         std::optional<double>& seconds) {
    double x = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (ec != std::errc() || text.empty())
        return fmt::format("'{}' is not a window size (events like 1000, or a duration like "
                           "30s, 5m, 1h)",
                           text);
    if (p != text.data() + text.size()) { // a unit: a duration like any other
        auto d = parse_duration(text);
        if (!d)
            return "window " + d.error().message;
        seconds = to_seconds(*d);
        return {};
    }
    if (!(x > 0) || !std::isfinite(x))
        return fmt::format("window '{}' must be positive", text);
    if (x != std::floor(x))
        return fmt::format("window '{}' must be a whole number of events", text);
    // Checked before the cast: a double beyond uint64_t is undefined behaviour.
    if (x > static_cast<double>(k_max_window_events))
        return fmt::format("window '{}' is more than {} events", text, k_max_window_events);
    events = static_cast<uint64_t>(x);
    return {};
}

Result<std::optional<WatchConfig>> parse_watch_config(const YAML::Node& root,
                                                      const std::filesystem::path& file) {
    auto node = root["watch"];
    if (!node)
        return std::optional<WatchConfig>();
    MLCI_TRY(expect_keys(file, node, "watch",
                         {"name", "events", "baseline", "baseline_table", "target", "window",
                          "clock", "rules", "on_alert", "listen", "poll_interval", "fields"}));
    WatchConfig c;
    auto str = [&](const char* key, std::optional<std::string>& out) -> Status {
        if (auto n = node[key]) {
            MLCI_TRY_ASSIGN(v, as_string(file, n, std::string("watch.") + key));
            out = v;
        }
        return {};
    };
    MLCI_TRY(str("name", c.name));
    MLCI_TRY(str("events", c.events));
    MLCI_TRY(str("baseline", c.baseline));
    MLCI_TRY(str("baseline_table", c.baseline_table));
    MLCI_TRY(str("target", c.target));
    MLCI_TRY(str("clock", c.clock));
    MLCI_TRY(str("listen", c.listen));
    if (c.clock && *c.clock != "event" && *c.clock != "arrival")
        return bad_key(file, node["clock"], "watch.clock", "expected event or arrival");
    if (auto n = node["window"]) {
        MLCI_TRY_ASSIGN(v, as_string(file, n, "watch.window"));
        auto err = parse_window(v, c.window_events, c.window_seconds);
        if (!err.empty())
            return bad_key(file, n, "watch.window", err);
    }
    if (auto n = node["rules"]) {
        MLCI_TRY_ASSIGN(v, as_string_list(file, n, "watch.rules"));
        c.rules = std::move(v);
    }
    if (auto n = node["on_alert"]) {
        MLCI_TRY_ASSIGN(v, parse_command(file, n, "watch.on_alert"));
        c.on_alert = std::move(v);
    }
    if (auto n = node["poll_interval"]) {
        MLCI_TRY_ASSIGN(v, as_duration(file, n, "watch.poll_interval"));
        c.poll_interval = v;
    }
    if (auto f = node["fields"]) {
        MLCI_TRY(expect_keys(file, f, "watch.fields", {"ts", "features", "prediction", "label"}));
        auto field = [&](const char* key, std::optional<std::string>& out) -> Status {
            if (auto n = f[key]) {
                MLCI_TRY_ASSIGN(v, as_string(file, n, std::string("watch.fields.") + key));
                out = v;
            }
            return {};
        };
        MLCI_TRY(field("ts", c.ts_field));
        MLCI_TRY(field("features", c.features_field));
        MLCI_TRY(field("prediction", c.prediction_field));
        MLCI_TRY(field("label", c.label_field));
    }
    return std::optional<WatchConfig>(std::move(c));
}

} // namespace mlci::config
