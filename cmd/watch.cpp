// mlci watch: production monitoring of a deployed model's inference events.
#include "context.hpp"
#include "duration_option.hpp"

#include <cstdio>
#include <filesystem>
#include <fmt/ranges.h>
#include <mlci/config/project_config.hpp>
#include <mlci/core/duration.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/watch/session.hpp>
#include <mlci/watch/settings.hpp>

namespace mlci::cli {

namespace {

watch::WatchSettings settings_of(const watch::WatchFlags& flags) {
    auto project = value_or_throw(config::find_project_config(std::filesystem::current_path()));
    return value_or_throw(watch::resolve(flags, project.watch));
}

void run_watch(Context& ctx, const watch::WatchFlags& flags) {
    auto s = settings_of(flags);
    if (s.default_rules)
        ctx.out.note(fmt::format("no rules given: using the default rules '{}' (set watch.rules "
                                 "in mlci.yaml or pass --rule)",
                                 fmt::join(watch::k_default_rules, "', '")));
    if (!s.env.empty()) {
        // What runs in the environment: its newest successful deployment.
        auto deployed = value_or_throw(deploy::current(ctx.store(), s.env));
        if (!deployed)
            throw Failure({Exit::usage, fmt::format("nothing is deployed to '{}' (see 'mlci "
                                                    "deploy history {}')",
                                                    s.env, s.env)});
        ctx.out.note(fmt::format("watching {} as deployed to {} ({})",
                                 deployed->deployment.package_ref, s.env, deployed->reference));
        s.baseline = deployed->deployment.package.str();
    }
    auto entry = ctx.resolve(s.baseline);
    auto baseline = value_or_throw(watch::load_baseline(ctx.store(), entry, s.baseline_options));
    value_or_throw(watch::check_rule_features(s.rules, baseline.features));

    watch::SessionOutput out;
    out.note = [&ctx](const std::string& line) { ctx.out.note(line); };
    out.warn = [&ctx](const std::string& line) { ctx.out.warn(line); };
    out.alert = [](const std::string& line) {
        fmt::print(stderr, "{}\n", line);
        std::fflush(stderr);
    };
    out.window = [&ctx, once = s.window.once](const watch::WindowOutcome& o) {
        // One document a window: JSON lines when the watch goes on.
        if (ctx.options.json)
            ctx.out.result(once ? watch::to_json(o).dump(2) : watch::to_json(o).dump());
        else if (!o.reference.empty())
            ctx.out.result(o.reference);
        std::fflush(stdout);
    };
    out.hook_output = [](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stderr);
    };
    process::InterruptGuard guard;
    auto result = value_or_throw(watch::run_session(
        ctx.store(), s, baseline, [] { return process::interrupt_count() > 0; }, out));
    if (s.window.once && result.alerted)
        ctx.exit = Exit::gate;
}

} // namespace

void register_watch(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<watch::WatchFlags>();
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
                    fmt::format("An alert rule such as 'psi(age) > 0.2', 'ks(*) > 0.3', "
                                "'missing(*) > 0.05', 'accuracy < 0.85' or 'prediction_psi > "
                                "0.2' (repeatable; replaces watch.rules of mlci.yaml; default: "
                                "'{}')",
                                fmt::join(watch::k_default_rules, "', '")))
        ->type_name("RULE")
        ->allow_extra_args(false);
    cmd->add_option("--window", flags->window,
                    fmt::format("Evaluate every N events, or every DURATION (30s, 5m, 1h); "
                                "default {} events",
                                watch::k_default_window_events))
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
                        fmt::format("The pause between checks of a followed file or polls of a "
                                    "URL (default {})",
                                    to_seconds(watch::k_default_poll_interval)));
    cmd->add_option("--listen", flags->listen,
                    "Serve the live figures for Prometheus on http://ADDR/metrics")
        ->type_name("ADDR");
    cmd->add_option("--on-alert", flags->on_alert,
                    "Run COMMAND with /bin/sh -c when a window alerts, with MLCI_WATCH_REPORT, "
                    "MLCI_WATCH_REPORT_FILE and MLCI_WATCH_ALERTS set")
        ->type_name("COMMAND");
    cmd->add_option("-n,--name", flags->name,
                    "Name of the watch: reports are tagged watch-NAME:vN (default: the "
                    "baseline's name)")
        ->type_name("NAME");
    cmd->add_flag("--always-report", flags->always_report,
                  "Store a report for every window, not only for windows that alert");
    const watch::EventFields fields; // the defaults
    cmd->add_option("--ts-field", flags->ts_field,
                    fmt::format("The events' timestamp field (default {})", fields.ts))
        ->type_name("FIELD");
    cmd->add_option("--features-field", flags->features_field,
                    fmt::format("The events' object of features (default {})", fields.features))
        ->type_name("FIELD");
    cmd->add_option("--prediction-field", flags->prediction_field,
                    fmt::format("The events' prediction field (default {})", fields.prediction))
        ->type_name("FIELD");
    cmd->add_option("--label-field", flags->label_field,
                    fmt::format("The events' true label field, when labels arrive (default {})",
                                fields.label))
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
         "a statistic, an operator (>, >=, <, <=) and a limit. When neither gives a rule, the "
         "default rules apply: psi(*) > 0.2 (a feature drifted, the limit mlci test uses) and "
         "prediction_psi > 0.2 (the predictions drifted); no limit on accuracy or error is "
         "assumed, as a sensible one depends on the model. A window that breaches one "
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
