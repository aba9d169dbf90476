// mlci log and mlci metrics diff: reading runs.
#include "context.hpp"

#include <mlci/train/history.hpp>
#include <mlci/train/query.hpp>

namespace mlci::cli {

namespace {

void register_run_log(CLI::App& app, Context& ctx) {
    struct Flags {
        std::string name;
        std::vector<std::string> metrics, filters;
        std::string sort;
        size_t limit = 0;
        bool names = false;
    };
    auto flags = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("log", "List runs with their status, params and metrics");
    cmd->group("Pipeline");
    cmd->add_option("name", flags->name, "Only the runs of this name")->type_name("NAME");
    cmd->add_option("--metric", flags->metrics,
                    "Show this metric as a column (repeatable; default: every metric)")
        ->type_name("METRIC");
    cmd->add_option("--sort", flags->sort,
                    "Order by a metric (or numeric param), highest first; METRIC:asc for lowest "
                    "first")
        ->type_name("METRIC[:asc]");
    cmd->add_option("--filter", flags->filters,
                    "Only runs where METRIC OP VALUE holds, OP one of > >= < <= == != "
                    "(repeatable: all must hold)")
        ->type_name("EXPR");
    cmd->add_option("--limit", flags->limit, "Show at most this many runs, newest first")
        ->type_name("N");
    cmd->callback([&ctx, flags] {
        std::vector<train::RunFilter> filters;
        for (auto& f : flags->filters)
            filters.push_back(value_or_throw(train::parse_run_filter(f)));
        std::optional<train::SortKey> sort;
        if (!flags->sort.empty())
            sort = value_or_throw(train::parse_sort_key(flags->sort));
        auto runs = value_or_throw(train::list_runs(ctx.store(), flags->name));
        std::erase_if(runs, [&](const train::Run& r) { return !train::matches(r, filters); });
        if (sort)
            train::sort_runs(runs, *sort);
        if (flags->limit > 0 && runs.size() > flags->limit)
            runs.resize(flags->limit);
        if (ctx.options.json) {
            ctx.out.json(train::runs_json(runs));
            return;
        }
        if (runs.empty()) {
            ctx.out.note(!filters.empty()      ? std::string("no runs match the filters")
                         : flags->name.empty() ? "no runs yet (record one with 'mlci train')"
                                               : fmt::format("no runs named '{}'", flags->name));
            return;
        }
        print_table(ctx.out, train::log_table(runs, flags->metrics));
    });
    ctx.document(
        {"log",
         "Lists the runs that 'mlci train' recorded, newest first: reference, status, end time, "
         "git commit ('+' when it had uncommitted changes), one column per metric (to 6 "
         "significant digits), and the params that differ between the runs shown (all params "
         "when none differ). --filter keeps the runs where a metric (or a numeric param) meets "
         "a condition, every one when repeated; a run without the metric does not match. --sort "
         "orders by a metric, highest first, or lowest first with METRIC:asc; runs without it "
         "come last. With --json, every run's full params and metrics at full precision.",
         {{"mlci log", "every run"},
          {"mlci log iris-classifier -m accuracy -n 10",
           "the last ten runs of one name, by accuracy"},
          {"mlci log --sort accuracy --filter 'accuracy>0.9' --filter 'n_estimators<=100'",
           "the best runs that meet two conditions"},
          {"mlci log --sort loss:asc -n 1", "the run with the lowest loss"},
          {"mlci --json log | jq '.[0].metrics'", "the newest run's metrics"}}});
}

void register_metrics(CLI::App& app, Context& ctx) {
    struct Flags {
        std::vector<std::string> refs;
        bool all = false;
    };
    auto flags = std::make_shared<Flags>();
    auto* metrics = app.add_subcommand("metrics", "Compare the metrics of runs");
    metrics->group("Pipeline");
    metrics->require_subcommand(1);
    auto* cmd = metrics->add_subcommand("diff", "Compare runs' metrics and params");
    cmd->add_option("ref", flags->refs,
                    "Runs to compare, oldest first; one alone is compared with the previous run "
                    "of its name")
        ->required()
        ->type_name("REF");
    cmd->add_flag("-a,--all", flags->all, "Show unchanged params too");
    cmd->callback([&ctx, flags] {
        auto& store = ctx.store();
        std::vector<train::Run> runs;
        for (auto& ref : flags->refs)
            runs.push_back(value_or_throw(train::load_run_named(store, ctx.resolve(ref))));
        if (runs.size() == 1) {
            auto prev = value_or_throw(train::previous_run(store, runs.front()));
            if (!prev)
                throw Failure({Exit::usage,
                               fmt::format("'{}' is the first run of its name: give a second run "
                                           "to compare it with",
                                           runs.front().reference())});
            runs.insert(runs.begin(), std::move(*prev));
        }
        if (ctx.options.json) {
            ctx.out.json(train::comparison_json(runs, flags->all));
            return;
        }
        if (std::all_of(runs.begin(), runs.end(),
                        [](const train::Run& r) { return r.record.metrics.empty(); }))
            ctx.out.note("none of the runs reports metrics");
        print_table(ctx.out, train::comparison_table(runs, flags->all));
    });
    ctx.document(
        {"metrics",
         "'metrics diff' compares the metrics of runs, like 'dvc metrics diff': one line per "
         "metric with each run's value (to 6 significant digits), then the params that differ "
         "(all of them with --all). With two runs, a last column gives the change from the first "
         "to the second; any number of runs can be compared side by side. Given one run, it is "
         "compared with the run recorded before it under the same name (NAME:vN-1 or the "
         "highest version below it). With --json, full precision: each metric's values in the "
         "order of the runs (and old, new and change for two).",
         {{"mlci metrics diff iris-classifier:latest", "what the last run changed"},
          {"mlci metrics diff production iris-classifier:v7", "a candidate against production"},
          {"mlci metrics diff sweep:v1 sweep:v2 sweep:v3", "a sweep side by side"},
          {"mlci --json metrics diff a:v1 a:v2", "the same as JSON"}}});
}

} // namespace

void register_log(CLI::App& app, Context& ctx) {
    register_run_log(app, ctx);
    register_metrics(app, ctx);
}

} // namespace mlci::cli
