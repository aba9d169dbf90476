#include <algorithm>
#include <iterator>
#include <mlci/core/duration.hpp>
#include <mlci/watch/settings.hpp>

namespace mlci::watch {

namespace {

// The flag when given, else mlci.yaml's value, else the default: an unset
// optional, not an empty value, is what lets an explicit flag win.
std::string flag_or_config(const std::optional<std::string>& flag,
                           const std::optional<std::string>& configured,
                           std::string_view fallback) {
    if (flag)
        return *flag;
    if (configured)
        return *configured;
    return std::string(fallback);
}

// The window's size: --window or --window-seconds, else mlci.yaml's window.
Status resolve_window(const WatchFlags& flags, const config::WatchConfig& c, WindowOptions& out) {
    std::optional<uint64_t> events;
    std::optional<double> seconds;
    if (flags.window) {
        auto err = config::parse_window(*flags.window, events, seconds);
        if (!err.empty())
            return usage_error("--window: {}", err);
    } else if (!flags.window_seconds) {
        events = c.window_events;
        seconds = c.window_seconds;
    }
    if (flags.window_seconds) {
        if (events)
            return usage_error("--window N and --window-seconds S exclude each other");
        seconds = to_seconds(*flags.window_seconds);
    }
    out.once = flags.once;
    out.events = events.value_or(0);
    out.seconds = seconds.value_or(0);
    if (!flags.once && out.events == 0 && out.seconds == 0)
        out.events = k_default_window_events;
    // Neither given: WindowOptions' default clock.
    if (auto clock = flags.clock ? flags.clock : c.clock) {
        if (*clock != "event" && *clock != "arrival")
            return usage_error("--clock: expected event or arrival, not '{}'", *clock);
        out.clock = *clock == "arrival" ? Clock::arrival : Clock::event;
    }
    return {};
}

} // namespace

Result<WatchSettings> resolve(const WatchFlags& flags,
                              const std::optional<config::WatchConfig>& config) {
    const config::WatchConfig c = config ? *config : config::WatchConfig{};
    WatchSettings s;
    s.events = flag_or_config(flags.events, c.events, "");
    s.baseline = flag_or_config(flags.baseline, c.baseline, "");
    s.env = flags.env;
    s.name = flag_or_config(flags.name, c.name, "");
    s.listen = flag_or_config(flags.listen, c.listen, "");
    s.baseline_options.table = flag_or_config(flags.baseline_table, c.baseline_table, "");
    s.baseline_options.target = flag_or_config(flags.target, c.target, "");
    // The defaults are EventFields' own.
    s.fields.ts = flag_or_config(flags.ts_field, c.ts_field, s.fields.ts);
    s.fields.features = flag_or_config(flags.features_field, c.features_field, s.fields.features);
    s.fields.prediction =
        flag_or_config(flags.prediction_field, c.prediction_field, s.fields.prediction);
    s.fields.label = flag_or_config(flags.label_field, c.label_field, s.fields.label);
    if (s.events.empty())
        return usage_error("no events to watch (pass a file, - or a URL, or set watch.events in "
                           "mlci.yaml)");
    if (!flags.env.empty() && flags.baseline)
        return usage_error("--env and --baseline both name the baseline: give one");
    if (!flags.env.empty()) // the deployed package, looked up later, and not mlci.yaml's
        s.baseline.clear();
    else if (s.baseline.empty())
        return usage_error("no baseline (pass --env ENV, or --baseline REF, a package, run or "
                           "dataset, or set watch.baseline in mlci.yaml)");

    // Rules: the flags replace mlci.yaml's (a CI job may narrow them).
    std::vector<std::string> texts = flags.rules.empty() ? c.rules : flags.rules;
    if (texts.empty()) {
        // A watch with no rule would measure and never alert.
        texts.assign(std::begin(k_default_rules), std::end(k_default_rules));
        s.default_rules = true;
    }
    for (auto& text : texts) {
        MLCI_TRY_ASSIGN(rule, parse_rule(text));
        s.rules.push_back(std::move(rule));
    }
    MLCI_TRY(resolve_window(flags, c, s.window));

    auto poll = flags.poll_interval ? *flags.poll_interval
                                    : c.poll_interval.value_or(k_default_poll_interval);
    s.source.poll_ms = std::max<int64_t>(1, poll.count());
    s.source.follow = !flags.once;
    s.source.from_end = flags.from_end;
    if (flags.on_alert) // a flag is one command for the shell; mlci.yaml may give argv
        s.alerts.on_alert.shell = *flags.on_alert;
    else
        s.alerts.on_alert = c.on_alert;
    s.alerts.always_report = flags.always_report;
    return s;
}

ReportContext report_context(const WatchSettings& settings, const Baseline& baseline,
                             std::string source) {
    ReportContext ctx;
    ctx.name = settings.name.empty() ? baseline.name : settings.name;
    ctx.source = std::move(source);
    auto& w = settings.window;
    ctx.window_kind = w.events ? "events" : w.seconds > 0 ? "seconds" : "all";
    ctx.window_size = w.events ? static_cast<double>(w.events) : w.seconds;
    for (auto& r : settings.rules)
        ctx.rules.push_back(r.text);
    return ctx;
}

} // namespace mlci::watch
