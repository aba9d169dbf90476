// mlci log, mlci metrics diff, mlci lineage: reading runs and the graph
// between artifacts.
#include "context.hpp"

#include <mlci/lineage/lineage.hpp>
#include <mlci/run/history.hpp>
#include <set>

namespace mlci::cli {

namespace {

// Prints rows as columns, each as wide as its widest cell; the last column
// is not padded (no trailing spaces in CI logs).
void print_table(Output& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            width.resize(std::max(width.size(), r.size()));
            width[i] = std::max(width[i], r[i].size());
        }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i)
            line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out.result(line);
    }
}

nlohmann::json metrics_json(const run::Metrics& m) {
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : m)
        j[k] = v;
    return j;
}

// The params worth a column: those whose values differ between the runs
// listed (all of them when every run has the same).
std::vector<std::string> varying_params(const std::vector<run::Run>& runs) {
    std::map<std::string, std::set<std::string>> values;
    for (auto& r : runs)
        for (auto& [k, v] : run::flatten_params(r.record.params))
            values[k].insert(v.dump());
    std::vector<std::string> varying, all;
    for (auto& [k, v] : values) {
        all.push_back(k);
        if (v.size() > 1)
            varying.push_back(k);
    }
    for (auto& [k, v] : values) // a param some runs lack varies too
        for (auto& r : runs)
            if (!run::flatten_params(r.record.params).contains(k) &&
                std::find(varying.begin(), varying.end(), k) == varying.end())
                varying.push_back(k);
    return varying.empty() ? all : varying;
}

void register_run_log(CLI::App& app, Context& ctx) {
    struct Flags {
        std::string name;
        std::vector<std::string> metrics;
        size_t limit = 0;
    };
    auto flags = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("log", "List runs with their status, params and metrics");
    cmd->group("Pipeline");
    cmd->add_option("name", flags->name, "Only the runs of this name")->type_name("NAME");
    cmd->add_option("--metric", flags->metrics,
                    "Show this metric as a column (repeatable; default: every metric)")
        ->type_name("METRIC");
    cmd->add_option("--limit", flags->limit, "Show at most this many runs, newest first")
        ->type_name("N");
    cmd->callback([&ctx, flags] {
        auto runs = value_or_throw(run::list_runs(ctx.store(), flags->name));
        if (flags->limit > 0 && runs.size() > flags->limit)
            runs.resize(flags->limit);
        if (ctx.options.json) {
            nlohmann::json doc = nlohmann::json::array();
            for (auto& r : runs) {
                nlohmann::json inputs = nlohmann::json::array();
                for (auto& i : r.record.inputs)
                    inputs.push_back(
                        {{"name", i.name}, {"reference", i.reference}, {"digest", i.digest.str()}});
                doc.push_back({{"reference", r.reference()},
                               {"digest", r.entry.descriptor.digest.str()},
                               {"name", r.record.name},
                               {"status", run::to_string(r.record.status)},
                               {"started", r.record.started},
                               {"ended", r.record.ended},
                               {"wall_seconds", r.record.wall_seconds},
                               {"exit_code", r.record.exit_code},
                               {"commit", r.record.code ? r.record.code->commit : ""},
                               {"params", r.record.params},
                               {"metrics", metrics_json(r.record.metrics)},
                               {"inputs", inputs}});
            }
            ctx.out.json(doc);
            return;
        }
        if (runs.empty()) {
            ctx.out.note(flags->name.empty() ? "no runs yet (record one with 'mlci train')"
                                             : fmt::format("no runs named '{}'", flags->name));
            return;
        }
        auto metric_names = flags->metrics;
        if (metric_names.empty()) {
            std::set<std::string> all;
            for (auto& r : runs)
                for (auto& [k, v] : r.record.metrics)
                    all.insert(k);
            metric_names.assign(all.begin(), all.end());
        }
        auto params = varying_params(runs);
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> head{"run", "status", "ended", "commit"};
        head.insert(head.end(), metric_names.begin(), metric_names.end());
        head.push_back("params");
        rows.push_back(head);
        for (auto& r : runs) {
            auto& rec = r.record;
            std::string commit = rec.code && !rec.code->commit.empty()
                                     ? rec.code->commit.substr(0, 8) + (rec.code->dirty ? "+" : "")
                                     : "-";
            std::vector<std::string> row{r.reference(), std::string(run::to_string(rec.status)),
                                         rec.ended, commit};
            for (auto& m : metric_names) {
                auto it = rec.metrics.find(m);
                row.push_back(it == rec.metrics.end() ? "-" : run::format_number(it->second));
            }
            std::string p;
            auto flat = run::flatten_params(rec.params);
            for (auto& k : params)
                if (auto it = flat.find(k); it != flat.end())
                    p += (p.empty() ? "" : " ") + k + "=" + run::format_value(it->second);
            row.push_back(p);
            rows.push_back(std::move(row));
        }
        print_table(ctx.out, rows);
    });
    ctx.document(
        {"log",
         "Lists the runs that 'mlci train' recorded, newest first: reference, status, end time, "
         "git commit ('+' when it had uncommitted changes), one column per metric, and the "
         "params that differ between the runs shown (all params when none differ). With --json, "
         "every run's full params and metrics.",
         {{"mlci log", "every run"},
          {"mlci log iris-classifier -m accuracy -n 10",
           "the last ten runs of one name, by accuracy"},
          {"mlci --json log | jq '.[0].metrics'", "the newest run's metrics"}}});
}

void register_metrics(CLI::App& app, Context& ctx) {
    struct Flags {
        std::string old_ref, new_ref;
        bool all = false;
    };
    auto flags = std::make_shared<Flags>();
    auto* metrics = app.add_subcommand("metrics", "Compare the metrics of runs");
    metrics->group("Pipeline");
    metrics->require_subcommand(1);
    auto* cmd = metrics->add_subcommand("diff", "Compare two runs' metrics and params");
    cmd->add_option("ref", flags->old_ref,
                    "A run; alone, it is compared with the previous run of its name")
        ->required()
        ->type_name("REF");
    cmd->add_option("ref2", flags->new_ref, "The run to compare with the first")->type_name("REF");
    cmd->add_flag("-a,--all", flags->all, "Show unchanged params too");
    cmd->callback([&ctx, flags] {
        auto& store = ctx.store();
        auto first = value_or_throw(run::load_run_named(store, ctx.resolve(flags->old_ref)));
        run::Run old_run, new_run;
        if (flags->new_ref.empty()) {
            auto prev = value_or_throw(run::previous_run(store, first));
            if (!prev)
                throw Failure({Exit::usage,
                               fmt::format("'{}' is the first run of its name: give a second run "
                                           "to compare it with",
                                           first.reference())});
            old_run = std::move(*prev);
            new_run = std::move(first);
        } else {
            old_run = std::move(first);
            new_run = value_or_throw(run::load_run_named(store, ctx.resolve(flags->new_ref)));
        }
        auto metric_changes = run::diff_metrics(old_run.record.metrics, new_run.record.metrics);
        auto param_changes = run::diff_params(old_run.record.params, new_run.record.params);
        auto value = [](const std::optional<double>& v) {
            return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
        };
        if (ctx.options.json) {
            nlohmann::json m = nlohmann::json::array(), p = nlohmann::json::array();
            for (auto& c : metric_changes)
                m.push_back({{"metric", c.name},
                             {"old", value(c.old_value)},
                             {"new", value(c.new_value)},
                             {"change", value(c.change())}});
            for (auto& c : param_changes)
                if (flags->all || c.changed())
                    p.push_back({{"param", c.name},
                                 {"old", c.old_value.value_or(nullptr)},
                                 {"new", c.new_value.value_or(nullptr)}});
            ctx.out.json({{"old", old_run.reference()},
                          {"new", new_run.reference()},
                          {"metrics", m},
                          {"params", p}});
            return;
        }
        auto num = [](const std::optional<double>& v) {
            return v ? run::format_number(*v) : std::string("-");
        };
        std::vector<std::vector<std::string>> rows{
            {"metric", old_run.reference(), new_run.reference(), "change"}};
        for (auto& c : metric_changes)
            rows.push_back({c.name, num(c.old_value), num(c.new_value),
                            c.change() ? run::format_change(*c.change()) : "-"});
        bool any_param = false;
        for (auto& c : param_changes)
            if (flags->all || c.changed()) {
                if (!any_param)
                    rows.push_back({"param", old_run.reference(), new_run.reference(), ""});
                any_param = true;
                auto text = [](const std::optional<nlohmann::json>& v) {
                    return v ? run::format_value(*v) : std::string("-");
                };
                rows.push_back({c.name, text(c.old_value), text(c.new_value), ""});
            }
        if (metric_changes.empty())
            ctx.out.note("neither run reports metrics");
        print_table(ctx.out, rows);
    });
    ctx.document(
        {"metrics",
         "'metrics diff' compares the metrics of two runs, like 'dvc metrics diff': one line per "
         "metric with the old value, the new value and the change, then the params that differ "
         "(all of them with --all). Given one run, it is compared with the run recorded before "
         "it under the same name (NAME:vN-1 or the highest version below it).",
         {{"mlci metrics diff iris-classifier:latest", "what the last run changed"},
          {"mlci metrics diff production iris-classifier:v7", "a candidate against production"},
          {"mlci --json metrics diff a:v1 a:v2", "the same as JSON"}}});
}

void register_lineage(CLI::App& app, Context& ctx) {
    struct Flags {
        std::string ref;
        int depth = 32;
    };
    auto flags = std::make_shared<Flags>();
    auto* cmd =
        app.add_subcommand("lineage", "Show where an artifact came from and what was made from it");
    cmd->group("Store");
    cmd->add_option("ref", flags->ref, "The artifact (NAME[:TAG], digest, short digest, or -)")
        ->required()
        ->type_name("REF");
    cmd->add_option("--depth", flags->depth, "Follow at most this many steps each way")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->callback([&ctx, flags] {
        auto entry = ctx.resolve(flags->ref);
        auto graph = value_or_throw(lineage::build_graph(ctx.store(), entry, flags->depth));
        if (ctx.options.json) {
            ctx.out.json(lineage::to_json(graph));
            return;
        }
        auto text = lineage::render_text(graph);
        if (!text.empty() && text.back() == '\n')
            text.pop_back();
        ctx.out.result(text);
    });
    ctx.document(
        {"lineage",
         "Prints the lineage graph of an artifact: upwards, the data and code it came from (a "
         "run's input datasets and git commit, recursively), and downwards, everything made "
         "from it or attesting it (runs that read a dataset, test reports and validations "
         "whose subject it is, packages, deployments), recursively. Each line names an artifact "
         "by its tag, its kind and status, and the relation in brackets: the lineage annotation "
         "(inputs, run, baseline...), subject, or code. With --json, the graph as nodes and "
         "edges, each edge from a source to what was made from it.",
         {{"mlci lineage iris-classifier:latest", "data and code behind the latest model"},
          {"mlci lineage iris:v1", "every run trained on a dataset version, and on"},
          {"mlci --json lineage RUN", "the graph for a tool"}}});
}

} // namespace

void register_log(CLI::App& app, Context& ctx) {
    register_run_log(app, ctx);
    register_metrics(app, ctx);
    register_lineage(app, ctx);
}

} // namespace mlci::cli
