// mlci status: the whole project at a glance (data, training, validation,
// environments); the logic is in lib/project/status.cpp.
#include "context.hpp"

#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
#include <mlci/project/status.hpp>

namespace mlci::cli {

namespace {

// Awaiting runs listed before "and N more" (--json has them all).
constexpr size_t k_status_awaiting_max = 10;

void print_project_status(Context& ctx, const project::ProjectStatus& s) {
    auto& out = ctx.out;
    out.result("data:");
    if (s.datasets.empty())
        out.result("  no datasets (version one with 'mlci data-version add PATH')");
    std::vector<std::vector<std::string>> rows;
    for (auto& d : s.datasets) {
        if (!d.versioned()) {
            rows.push_back({"  " + d.name, d.path,
                            fmt::format("not versioned ('mlci data-version add {}')", d.path)});
            continue;
        }
        auto state = d.changed == 0 ? std::string("up to date")
                                    : fmt::format("{} changed ('mlci data-version status {}')",
                                                  plural(d.changed, "file"), d.pointer);
        rows.push_back({"  " + (d.name.empty() ? d.path : d.name), d.pointer,
                        d.version.empty() ? "(untagged)" : d.version, state});
    }
    print_table(out, rows);
    if (s.train) {
        auto& t = *s.train;
        std::string line;
        if (t.cache == "hit")
            line = fmt::format("cached: 'mlci train' restores {}", t.run);
        else if (t.cache == "miss")
            line = "not cached: 'mlci train' would run";
        else if (t.cache == "off")
            line = "no run cache outside git: 'mlci train' would run";
        else
            line = "cannot plan: " + t.problem;
        out.result(fmt::format("train {}: {}", t.name.empty() ? "(unnamed)" : t.name, line));
    } else {
        out.result("train: not configured (add a train section to mlci.yaml)");
    }
    out.result(fmt::format("awaiting validation: {}", s.awaiting.empty()
                                                          ? std::string("none")
                                                          : plural(s.awaiting.size(), "run")));
    rows.clear();
    for (size_t i = 0; i < s.awaiting.size() && i < k_status_awaiting_max; ++i)
        rows.push_back({"  " + s.awaiting[i].reference, s.awaiting[i].ended});
    print_table(out, rows);
    if (s.awaiting.size() > k_status_awaiting_max)
        out.result(fmt::format("  and {} more ('mlci --json status' lists them)",
                               s.awaiting.size() - k_status_awaiting_max));
    out.result(fmt::format("environments:{}", s.environments.empty() ? " none deployed" : ""));
    rows.clear();
    for (auto& e : s.environments) {
        std::vector<std::string> row{"  " + e.environment,
                                     e.package.empty() ? "nothing running" : e.package};
        row.push_back(e.deployment.empty() ? "" : fmt::format("{} {}", e.deployment, e.finished));
        if (!e.last_outcome.empty())
            row.push_back("last: " + e.last_outcome);
        rows.push_back(std::move(row));
    }
    print_table(out, rows);
}

} // namespace

void register_project_status(CLI::App& app, Context& ctx) {
    auto jobs = std::make_shared<unsigned>(default_jobs());
    auto* cmd = app.add_subcommand(
        "status", "Show the project: data pointers, training cache, validation, environments");
    cmd->group("Pipeline");
    cmd->add_option("-j,--jobs", *jobs, "Read this many data files at once (default: all cores)");
    cmd->callback([&ctx, jobs] {
        auto status = value_or_throw(project::project_status(
            ctx.store(), std::filesystem::current_path(), std::max(1u, *jobs), ctx.out.reporter()));
        ctx.out.end_progress();
        if (ctx.options.json)
            ctx.out.json(status.to_json());
        else
            print_project_status(ctx, status);
    });
    ctx.document(
        {"status",
         "Shows the whole project at a glance. Data: each pointer file in the project, the "
         "dataset version it records (NAME:vN) and whether the workspace still matches it "
         "(only files whose size or time changed are read), and the datasets of mlci.yaml that "
         "are not versioned yet. Train: with a train section in mlci.yaml, whether 'mlci train' "
         "now would restore a cached run (same command, params, data and code) or run. "
         "Runs awaiting validation: succeeded runs that no 'mlci validate' has recorded a "
         "verdict on. Environments: the package each one runs, from its deployment history. "
         "It always exits 0; 'mlci data-version status' exits 1 when data changed.",
         {{"mlci status", "where the project stands"},
          {"mlci --json status | jq '.awaiting_validation[].reference'",
           "the runs to validate, for a script"}}});
}

} // namespace mlci::cli
