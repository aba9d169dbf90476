// mlci report: a page for a merge request about one run.
#include "context.hpp"

#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/deploy/baseline.hpp>
#include <mlci/report/mr_report.hpp>
#include <mlci/train/history.hpp>
#include <mlci/validate/run_summary.hpp>
#include <sstream>

namespace mlci::cli {

namespace {

namespace fs = std::filesystem;

struct ReportFlags {
    std::string ref;
    std::string output;
    std::string assets_dir;
    std::string baseline;
    std::string metric;
    bool html = false;
};

// The run REF stands for; without REF, NAME:latest of mlci.yaml's train
// name when it exists, else the newest run in the store.
store::IndexEntry find_run(Context& ctx, const config::ProjectConfig& config,
                           const std::string& ref) {
    auto& store = ctx.store();
    if (!ref.empty())
        return value_or_throw(validate::run_behind(store, ctx.resolve(ref)));
    if (config.train && !config.train->name.empty()) {
        std::istringstream none;
        if (auto e = store::resolve(store, config.train->name + ":latest", none))
            return *e;
    }
    auto runs = value_or_throw(train::list_runs(store, ""));
    if (runs.empty())
        throw Failure({Exit::usage, "no runs in the store to report on (record one with 'mlci "
                                    "train', or name a run)"});
    return runs.front().entry;
}

// --baseline: a reference, or an environment's deployed package.
store::IndexEntry find_baseline(Context& ctx, const std::string& text) {
    auto target = value_or_throw(deploy::resolve_baseline(ctx.store(), text));
    return value_or_throw(validate::run_behind(ctx.store(), target.entry));
}

void write_file(const fs::path& path, const std::string& content) {
    std::error_code ec;
    if (path.has_parent_path())
        fs::create_directories(path.parent_path(), ec);
    value_or_throw(write_file_atomic(path, content));
}

void run_report(Context& ctx, const ReportFlags& flags) {
    auto config = value_or_throw(config::find_project_config(fs::current_path()));
    auto run_entry = find_run(ctx, config, flags.ref);
    report::ReportOptions options;
    if (!flags.baseline.empty()) {
        options.baseline = find_baseline(ctx, flags.baseline);
        options.baseline_source = "--baseline " + flags.baseline;
    }
    options.metric = flags.metric;
    for (auto& d : config.datasets)
        if (d.max_drift)
            options.max_drift[d.name] = *d.max_drift;
    auto r = value_or_throw(report::collect_report(ctx.store(), run_entry, options));
    auto plots = report::make_plots(r);

    std::vector<std::string> written;
    if (flags.html) {
        auto page = report::report_html(r, plots);
        if (flags.output.empty()) {
            if (!ctx.options.json)
                ctx.out.result(page);
        } else {
            write_file(flags.output, page);
            written.push_back(flags.output);
        }
    } else {
        // Plots go beside the page (report.md -> report-sweep.svg), or into
        // --assets-dir; a page on stdout without --assets-dir has none.
        fs::path dir, stem = "report";
        if (!flags.output.empty()) {
            fs::path out(flags.output);
            dir = out.parent_path();
            stem = out.stem();
        }
        if (!flags.assets_dir.empty())
            dir = flags.assets_dir;
        bool have_place = !flags.output.empty() || !flags.assets_dir.empty();
        auto place = [&](const std::string& svg, const char* what, std::string& link) {
            if (svg.empty() || !have_place)
                return;
            auto file = dir / (stem.string() + "-" + what + ".svg");
            write_file(file, svg);
            written.push_back(file.string());
            // Relative to the page when it is written beside it.
            link = flags.output.empty() || !flags.assets_dir.empty()
                       ? file.generic_string()
                       : file.filename().generic_string();
        };
        place(plots.sweep_svg, "sweep", plots.sweep_link);
        place(plots.drift_svg, "drift", plots.drift_link);
        if (!have_place && (!plots.sweep_svg.empty() || !plots.drift_svg.empty())) {
            plots.skipped_note = "plots not written: pass -o FILE or --assets-dir DIR";
            ctx.out.note("plots skipped: the page goes to standard output (pass -o FILE or "
                         "--assets-dir DIR to write them)");
        }
        auto page = report::report_markdown(r, plots);
        if (flags.output.empty()) {
            if (!ctx.options.json)
                ctx.out.result(page);
        } else {
            write_file(flags.output, page);
            written.insert(written.begin(), flags.output);
        }
    }
    ctx.out.note(fmt::format("report on {}: {}", r.run.reference,
                             r.validation ? r.validation->verdict : "not validated"));
    if (ctx.options.json) {
        ctx.out.json(report::to_json(r, written));
    } else if (!flags.output.empty()) {
        for (auto& f : written)
            ctx.out.result(f);
    }
}

} // namespace

void register_report(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<ReportFlags>();
    auto* cmd = app.add_subcommand("report", "Write a merge-request page about a run");
    cmd->group("Pipeline");
    cmd->add_option("ref", flags->ref,
                    "A run, or a validation or package made from one (default: the latest run)")
        ->type_name("REF");
    cmd->add_option("-o,--output", flags->output,
                    "Write the page to FILE (plots beside it) instead of standard output")
        ->type_name("FILE");
    cmd->add_flag("--html", flags->html,
                  "A self-contained HTML page (plots and lineage inline) instead of Markdown");
    cmd->add_option("--baseline", flags->baseline,
                    "Compare with this run, an artifact made from one, or the package deployed "
                    "to an environment (default: the baseline of the run's latest validation)")
        ->type_name("REF|ENV");
    cmd->add_option("--metric", flags->metric,
                    "The metric the sweep plot shows (default: the first criterion's metric, "
                    "else accuracy)")
        ->type_name("METRIC");
    cmd->add_option("--assets-dir", flags->assets_dir,
                    "Write the SVG plots of a Markdown page into DIR (needed to get plots when "
                    "the page goes to standard output)")
        ->type_name("DIR");
    cmd->callback([&ctx, flags] { run_report(ctx, *flags); });
    ctx.document(
        {"report",
         "Writes a page for a merge request about one run, like CML's comment: the model name, "
         "run and commit; the verdict of the run's latest validation with its criteria; the "
         "metrics against the baseline with their changes (up or down, signed); the params "
         "that differ; the input datasets, their versions and what changed from the "
         "baseline's (files added, removed or changed, row counts, and per-column drift as PSI "
         "when both versions have a profile); the lineage as a Mermaid flowchart; and, when the "
         "run belongs to a sweep, the sweep's runs by a metric.\n\n"
         "REF may be a run, a validation or a package; without it, NAME:latest of mlci.yaml's "
         "train name, else the newest run. The baseline is the one the latest validation "
         "compared with, or --baseline: a reference or an environment, which stands for the "
         "package deployed there. A sweep is the runs with the same dev.mlci.sweep annotation, "
         "else the runs of the same name, commit and inputs whose params differ.\n\n"
         "With -o report.md, the plots are SVG files beside it (report-sweep.svg, "
         "report-drift.svg) linked by relative paths, and the paths written are printed. On "
         "standard output the plots are written only with --assets-dir, and skipped with a "
         "note otherwise. --html writes one self-contained page: styles, plots and a drawing "
         "of the lineage inline, no scripts and nothing loaded from elsewhere. With --json, the "
         "same facts as one JSON document. The exit status is 0 whatever the verdict: the gate "
         "is 'mlci validate'.",
         {{"mlci report -o report.md", "the latest run, plots beside report.md"},
          {"mlci report iris-classifier:v3 --baseline production --html -o report.html",
           "a candidate against what production runs, as one HTML page"},
          {"mlci report RUN > comment.md && glab mr note \"$CI_MERGE_REQUEST_IID\" -m \"$(cat "
           "comment.md)\"",
           "post the page as a merge-request comment"},
          {"mlci --json report RUN | jq .verdict", "the facts for a tool"}}});
}

} // namespace mlci::cli
