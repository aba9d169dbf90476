// mlci watch: production monitoring of a deployed model's inference events.
#include "context.hpp"
#include "duration_option.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/run/interrupt.hpp>
#include <mlci/watch/config.hpp>
#include <mlci/watch/hook.hpp>
#include <mlci/watch/metrics.hpp>
#include <mlci/watch/report.hpp>
#include <mlci/watch/watcher.hpp>

namespace mlci::cli {

namespace {

struct WatchFlags {
    std::string events;
    std::string baseline, baseline_table, target, name;
    std::string env; // the environment whose deployed package is the baseline
    std::vector<std::string> rules;
    std::string window;
    std::optional<std::chrono::milliseconds> window_seconds;
    std::string clock;
    bool once = false;
    bool from_end = false;
    bool always_report = false;
    std::optional<std::chrono::milliseconds> poll_interval;
    std::string listen;
    std::string on_alert;
    std::string ts_field, features_field, prediction_field, label_field;
};

// The settings of one watch: mlci.yaml's watch section with the flags over it.
struct Settings {
    std::string events, baseline, name, listen;
    watch::BaselineOptions baseline_options;
    std::vector<watch::Rule> rules;
    watch::WindowOptions window;
    watch::SourceOptions source;
    watch::EventFields fields;
    config::CommandSpec on_alert;
    bool always_report = false;
};

template <typename T>
T pick(const T& flag, const std::optional<T>& configured, T fallback) {
    if (flag != T{})
        return flag;
    return configured ? *configured : fallback;
}

Settings settings_of(const WatchFlags& flags) {
    auto project = value_or_throw(config::find_project_config(std::filesystem::current_path()));
    std::optional<watch::WatchConfig> cfg;
    if (!project.file.empty())
        cfg = value_or_throw(watch::load_watch_config(project.file));
    watch::WatchConfig c = cfg ? *cfg : watch::WatchConfig{};
    Settings s;
    s.events = pick(flags.events, c.events, std::string());
    s.baseline = pick(flags.baseline, c.baseline, std::string());
    s.name = pick(flags.name, c.name, std::string());
    s.listen = pick(flags.listen, c.listen, std::string());
    s.baseline_options.table = pick(flags.baseline_table, c.baseline_table, std::string());
    s.baseline_options.target = pick(flags.target, c.target, std::string());
    s.fields.ts = pick(flags.ts_field, c.ts_field, std::string("ts"));
    s.fields.features = pick(flags.features_field, c.features_field, std::string("features"));
    s.fields.prediction =
        pick(flags.prediction_field, c.prediction_field, std::string("prediction"));
    s.fields.label = pick(flags.label_field, c.label_field, std::string("label"));
    if (s.events.empty())
        throw Failure({Exit::usage, "no events to watch (pass a file, - or a URL, or set "
                                    "watch.events in mlci.yaml)"});
    if (!flags.env.empty() && !flags.baseline.empty())
        throw Failure({Exit::usage, "--env and --baseline both name the baseline: give one"});
    if (s.baseline.empty() && flags.env.empty())
        throw Failure({Exit::usage, "no baseline (pass --env ENV, or --baseline REF, a package, "
                                    "run or dataset, or set watch.baseline in mlci.yaml)"});

    // Rules: the flags replace mlci.yaml's (a CI job may narrow them).
    auto texts = flags.rules.empty() ? c.rules : flags.rules;
    for (auto& t : texts)
        s.rules.push_back(value_or_throw(watch::parse_rule(t)));

    std::optional<uint64_t> events;
    std::optional<double> seconds;
    if (!flags.window.empty()) {
        auto err = watch::parse_window(flags.window, events, seconds);
        if (!err.empty())
            throw Failure({Exit::usage, "--window: " + err});
    } else if (!flags.window_seconds) {
        events = c.window_events;
        seconds = c.window_seconds;
    }
    if (flags.window_seconds) {
        if (events)
            throw Failure({Exit::usage, "--window N and --window-seconds S exclude each other"});
        seconds = to_seconds(*flags.window_seconds);
    }
    s.window.once = flags.once;
    s.window.events = events.value_or(0);
    s.window.seconds = seconds.value_or(0);
    // Without --once a watch runs for ever: it needs windows to evaluate.
    if (!flags.once && s.window.events == 0 && s.window.seconds == 0)
        s.window.events = 1000;
    auto clock = pick(flags.clock, c.clock, std::string("event"));
    s.window.clock = clock == "arrival" ? watch::Clock::arrival : watch::Clock::event;

    auto poll = flags.poll_interval ? *flags.poll_interval
                                    : c.poll_interval.value_or(std::chrono::milliseconds(500));
    s.source.poll_ms = std::max<int64_t>(1, poll.count());
    s.source.follow = !flags.once;
    s.source.from_end = flags.from_end;
    if (!flags.on_alert.empty())
        s.on_alert.shell = flags.on_alert;
    else
        s.on_alert = c.on_alert;
    s.always_report = flags.always_report;
    return s;
}

std::string window_kind(const watch::WindowOptions& w) {
    return w.events ? "events" : w.seconds > 0 ? "seconds" : "all";
}

// The most drifted feature of a window, for its one-line summary.
std::string worst_feature(const watch::WindowSummary& w) {
    const watch::FeatureSummary* worst = nullptr;
    for (auto& f : w.features)
        if (!std::isnan(f.psi) && (!worst || f.psi > worst->psi))
            worst = &f;
    return worst ? fmt::format(", max psi {} ({})", watch::format_number(worst->psi), worst->name)
                 : std::string();
}

class WatchRun {
public:
    WatchRun(Context& ctx, Settings s, watch::Baseline b)
        : m_ctx(ctx), m_s(std::move(s)), m_baseline(std::move(b)) {
        for (auto& r : m_s.rules)
            m_report_ctx.rules.push_back(r.text);
        m_report_ctx.name = m_s.name.empty() ? m_baseline.name : m_s.name;
        m_report_ctx.window_kind = window_kind(m_s.window);
        m_report_ctx.window_size =
            m_s.window.events ? static_cast<double>(m_s.window.events) : m_s.window.seconds;
    }

    void run() {
        auto source = value_or_throw(watch::open_source(m_s.events, m_s.source));
        m_report_ctx.source = source->name();
        if (!m_s.listen.empty()) {
            m_server = value_or_throw(watch::MetricsServer::start(m_s.listen));
            m_ctx.out.note(
                fmt::format("serving metrics on http://{}/metrics", m_server->address()));
        }
        m_ctx.out.note(fmt::format(
            "watching {} against {} '{}' ({} of {}, {} feature(s){}), {}", source->name(),
            m_baseline.kind, store::display_name(m_baseline.artifact), m_baseline.table,
            store::display_name(m_baseline.dataset), m_baseline.features.size(),
            m_baseline.target.empty() ? "" : ", target " + m_baseline.target,
            m_s.window.events    ? fmt::format("windows of {} events", m_s.window.events)
            : m_s.window.seconds ? fmt::format("windows of {}s", m_s.window.seconds)
                                 : std::string("one window of every event")));
        if (m_s.rules.empty())
            m_ctx.out.warn("no rules: statistics are measured but nothing alerts (pass --rule "
                           "or set watch.rules in mlci.yaml)");

        watch::Watcher watcher(m_baseline, m_s.fields, m_s.window, m_s.rules);
        watch::WatchCallbacks cb;
        cb.on_window = [this](const watch::WindowResult& w) { return on_window(w); };
        cb.on_malformed = [this](uint64_t line, const std::string& why) {
            if (++m_malformed_shown <= k_malformed_shown)
                m_ctx.out.warn(fmt::format("{}: line {}: {}", m_report_ctx.source, line, why));
            else if (m_malformed_shown == k_malformed_shown + 1)
                m_ctx.out.warn("more malformed lines: only counted from here on");
        };
        cb.on_warning = [this](const std::string& w) { m_ctx.out.warn(w); };
        cb.on_progress = [this](const watch::Totals& t) {
            m_totals = t;
            publish();
        };
        run::InterruptGuard guard;
        auto totals = value_or_throw(watcher.run(
            *source, [] { return run::interrupt_count() > 0; }, cb));
        m_ctx.out.note(fmt::format("{} event(s), {} malformed line(s), {} window(s), {} alert(s)",
                                   totals.events, totals.malformed, totals.windows, totals.alerts));
        if (totals.unknown_features)
            m_ctx.out.note(fmt::format("{} feature value(s) named no column of the baseline "
                                       "(ignored)",
                                       totals.unknown_features));
        if (m_s.window.once && m_breached)
            m_ctx.exit = Exit::gate;
    }

private:
    static constexpr int k_malformed_shown = 5;

    void publish() {
        if (m_server)
            m_server->publish(watch::render_metrics(m_totals, m_last));
    }

    Status on_window(const watch::WindowResult& w) {
        auto& sum = w.summary;
        m_last = w;
        ++m_totals.windows;
        m_totals.alerts += w.alerts.size();
        publish();
        m_ctx.out.note(fmt::format("window {}: {} event(s), {} malformed{}{}, {} alert(s)",
                                   sum.index, sum.events, sum.malformed, worst_feature(sum),
                                   std::isnan(sum.accuracy)
                                       ? std::string()
                                       : ", accuracy " + watch::format_number(sum.accuracy),
                                   w.alerts.size()));
        if (sum.events == 0 && m_s.window.once)
            m_ctx.out.warn(fmt::format("no events in '{}'", m_report_ctx.source));
        for (auto& a : w.alerts)
            fmt::print(stderr, "alert: {} (window {}, {} events)\n", a.text(), sum.index,
                       sum.events);
        std::fflush(stderr);
        m_breached = m_breached || !w.alerts.empty();
        if (w.alerts.empty() && !m_s.always_report) {
            if (m_ctx.options.json)
                print_json(watch::to_json(w, m_baseline, m_report_ctx), {});
            return {};
        }
        auto doc = watch::to_json(w, m_baseline, m_report_ctx);
        MLCI_TRY_ASSIGN(stored,
                        watch::store_report(m_ctx.store(), doc, m_baseline, m_report_ctx.name));
        auto& [desc, tag] = stored;
        if (m_ctx.options.json)
            print_json(doc, tag);
        else
            m_ctx.out.result(tag);
        std::fflush(stdout);
        if (!w.alerts.empty() && !m_s.on_alert.empty())
            run_on_alert(w, doc, tag);
        return {};
    }

    void print_json(nlohmann::json doc, const std::string& reference) {
        if (!reference.empty())
            doc["reference"] = reference;
        // One document a window: JSON lines when the watch goes on.
        m_ctx.out.result(m_s.window.once ? doc.dump(2) : doc.dump());
        std::fflush(stdout);
    }

    // A notifier that fails is worth a warning, never the end of the watch.
    void run_on_alert(const watch::WindowResult& w, const nlohmann::json& doc,
                      const std::string& reference) {
        watch::AlertHook hook{m_s.on_alert, m_ctx.store().temp_dir(), [](std::string_view out) {
                                  std::fwrite(out.data(), 1, out.size(), stderr);
                              }};
        auto status = watch::run_alert_hook(hook, reference, doc, w.alerts, w.summary.index);
        if (!status)
            m_ctx.out.warn("--on-alert: " + status.error().message);
        else if (*status != 0)
            m_ctx.out.warn(fmt::format("--on-alert command exited with status {}", *status));
    }

    Context& m_ctx;
    Settings m_s;
    watch::Baseline m_baseline;
    watch::ReportContext m_report_ctx;
    std::unique_ptr<watch::MetricsServer> m_server;
    std::optional<watch::WindowResult> m_last;
    watch::Totals m_totals;
    bool m_breached = false;
    int m_malformed_shown = 0;
};

void run_watch(Context& ctx, const WatchFlags& flags) {
    auto s = settings_of(flags);
    if (!flags.env.empty()) {
        // What runs in the environment: its newest successful deployment.
        auto deployed = value_or_throw(deploy::current(ctx.store(), flags.env));
        if (!deployed)
            throw Failure({Exit::usage, fmt::format("nothing is deployed to '{}' (see 'mlci "
                                                    "deploy history {}')",
                                                    flags.env, flags.env)});
        ctx.out.note(fmt::format("watching {} as deployed to {} ({})",
                                 deployed->deployment.package_ref, flags.env, deployed->reference));
        s.baseline = deployed->deployment.package.str();
    }
    auto entry = ctx.resolve(s.baseline);
    auto baseline = value_or_throw(watch::load_baseline(ctx.store(), entry, s.baseline_options));
    value_or_throw(watch::check_rule_features(s.rules, baseline.features));
    WatchRun(ctx, std::move(s), std::move(baseline)).run();
}

} // namespace

void register_watch(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<WatchFlags>();
    auto* cmd = app.add_subcommand(
        "watch", "Monitor a deployed model's inference events for drift; alert and report");
    cmd->group("Pipeline");
    cmd->add_option("events", flags->events,
                    "The events as JSON lines: a file (followed like tail -F), - for standard "
                    "input, or an http(s) URL polled for new lines")
        ->type_name("SOURCE");
    cmd->add_option("--baseline", flags->baseline,
                    "What the model was trained on: a package, a run or a dataset (the profile "
                    "of the dataset it leads to is the baseline)")
        ->type_name("REF");
    cmd->add_option("--env", flags->env,
                    "Watch the model deployed to ENV: its package is the baseline (and the "
                    "subject of the reports)")
        ->type_name("ENV");
    cmd->add_option("--baseline-table", flags->baseline_table,
                    "The profiled CSV table to compare with, when the baseline has several")
        ->type_name("PATH");
    cmd->add_option("--target", flags->target,
                    "The column the model predicts (default: the table's last column; none: "
                    "no target)")
        ->type_name("COLUMN");
    cmd->add_option("--rule", flags->rules,
                    "An alert rule such as 'psi(age) > 0.2', 'ks(*) > 0.3', 'missing(*) > "
                    "0.05', 'accuracy < 0.85' or 'prediction_psi > 0.2' (repeatable; replaces "
                    "watch.rules of mlci.yaml)")
        ->type_name("RULE")
        ->allow_extra_args(false);
    cmd->add_option("--window", flags->window,
                    "Evaluate every N events, or every DURATION (30s, 5m, 1h); default 1000 "
                    "events")
        ->type_name("N|DURATION");
    add_duration_option(cmd, "--window-seconds", flags->window_seconds,
                        "Evaluate a window every DURATION of event time (or arrival time with "
                        "--clock arrival)");
    cmd->add_option("--clock", flags->clock,
                    "What time windows follow: event (the events' timestamps, the default) or "
                    "arrival")
        ->check(CLI::IsMember({"event", "arrival"}))
        ->type_name("CLOCK");
    cmd->add_flag("--once", flags->once,
                  "Read what is there, evaluate one window (all events, or the last full "
                  "window), exit 1 on an alert: for a scheduled CI job");
    cmd->add_flag("--from-end", flags->from_end,
                  "Skip what a followed file already holds; watch only new lines");
    add_duration_option(cmd, "--poll-interval", flags->poll_interval,
                        "The pause between checks of a followed file or polls of a URL (default "
                        "0.5)");
    cmd->add_option("--listen", flags->listen,
                    "Serve the live figures for Prometheus on http://ADDR/metrics")
        ->type_name("ADDR");
    cmd->add_option("--on-alert", flags->on_alert,
                    "Run COMMAND with /bin/sh -c when a window alerts, with MLCI_WATCH_REPORT, "
                    "MLCI_WATCH_REPORT_FILE and MLCI_WATCH_ALERTS set")
        ->type_name("COMMAND");
    cmd->add_option("--name", flags->name,
                    "Name of the watch: reports are tagged watch-NAME:vN (default: the "
                    "baseline's name)")
        ->type_name("NAME");
    cmd->add_flag("--always-report", flags->always_report,
                  "Store a report for every window, not only for windows that alert");
    cmd->add_option("--ts-field", flags->ts_field, "The events' timestamp field (default ts)")
        ->type_name("FIELD");
    cmd->add_option("--features-field", flags->features_field,
                    "The events' object of features (default features)")
        ->type_name("FIELD");
    cmd->add_option("--prediction-field", flags->prediction_field,
                    "The events' prediction field (default prediction)")
        ->type_name("FIELD");
    cmd->add_option("--label-field", flags->label_field,
                    "The events' true label field, when labels arrive (default label)")
        ->type_name("FIELD");
    cmd->callback([&ctx, flags] { run_watch(ctx, *flags); });
    ctx.document(
        {"watch",
         "Production monitoring. Reads a deployed model's inference events, one JSON object a "
         "line such as {\"ts\": 1717000000, \"features\": {\"age\": 41, \"city\": \"Oslo\"}, "
         "\"prediction\": \"yes\", \"label\": \"no\"}, from a file followed like tail -F (a "
         "rotated file is reopened, a truncated one read again from its start), from standard "
         "input, or from an http(s) URL polled for new lines (a server that honours Range "
         "requests is asked for what follows; any other answer is taken as new events). "
         "Lines that are not events are counted and reported, never fatal.\n\n"
         "The baseline is the column profile of the data the model was trained on, found "
         "through lineage: a dataset is its own baseline, a run leads to its input datasets, "
         "a package to its run. Its features are the table's columns except the target (the "
         "last column unless --target says otherwise); predictions are compared with the "
         "target's distribution, and labels, when events carry them, give live accuracy "
         "(categorical targets) or MAE and RMSE (numeric ones).\n\n"
         "Each window of --window N events or DURATION of event time measures, per feature, "
         "the population stability index (psi) over deciles of the baseline and the "
         "Kolmogorov-Smirnov statistic (ks) over its histogram for numbers, psi and "
         "chi-square (chi2, and its p-value pvalue) over its most frequent values for "
         "categories, the missing-value rate (missing) and the mean; and prediction_psi, "
         "prediction_ks, accuracy, mae, rmse, missing_rate and malformed_rate over the "
         "window. Memory stays flat however many events pass.\n\n"
         "Rules (--rule, or watch.rules in mlci.yaml) such as psi(*) > 0.2 (any feature) name "
         "a statistic, an operator (>, >=, <, <=) and a limit. A window that breaches one "
         "prints 'alert: RULE = VALUE OP LIMIT (window N, M events)' on standard error, stores "
         "a watch report (its subject is the baseline artifact, so the package when the "
         "baseline is one) tagged watch-NAME:vN, prints its reference on standard output, and "
         "runs --on-alert with the report's reference, a JSON file of it and the alerts in "
         "MLCI_WATCH_REPORT, MLCI_WATCH_REPORT_FILE and MLCI_WATCH_ALERTS; a command that "
         "fails is a warning.\n\n"
         "With --once, the input is read to its end and one window evaluated: the last window "
         "that filled, or every event when none did or no window was given; the exit status "
         "is 1 when it alerts. Otherwise the watch runs until SIGINT or SIGTERM (or the end "
         "of standard input) and exits 0. --listen serves the last window's figures and the "
         "counters (mlci_watch_psi{feature=...}, mlci_watch_ks, mlci_watch_missing_rate, "
         "mlci_watch_accuracy, mlci_watch_events_total, mlci_watch_alerts_total...) for "
         "Prometheus.",
         {{"mlci watch --once --baseline iris-image:latest --rule 'psi(*) > 0.2' "
           "logs/predictions.jsonl",
           "check today's events against what the deployed package was trained on"},
          {"mlci watch /var/log/model/events.jsonl --baseline iris:v1 --window 5m --listen "
           "127.0.0.1:9464 --on-alert 'notify-team \"$MLCI_WATCH_ALERTS\"'",
           "watch a live log, serve metrics to Prometheus, notify on drift"},
          {"kubectl logs -f deploy/iris | mlci watch - --baseline RUN --rule 'accuracy < 0.9'",
           "watch events streamed on standard input"},
          {"mlci watch http://model:8080/events --baseline iris-image:v3 --poll-interval 10",
           "poll an endpoint for new events"}}});
}

} // namespace mlci::cli
