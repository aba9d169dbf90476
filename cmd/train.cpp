// mlci train: run a training command as a recorded, cached, reproducible run.
#include "context.hpp"
#include "duration_option.hpp"
#include "train_doc.hpp"
#include "train_output.hpp"
#include "train_stages.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mlci/core/fs.hpp>
#include <mlci/train/params.hpp>
#include <mlci/train/stages.hpp>
#include <mlci/train/train.hpp>
#include <mlci/train/train_json.hpp>
#include <unistd.h>

namespace mlci::cli {

namespace {

struct TrainFlags {
    train::TrainOptions options;
    std::vector<std::string> command;
    std::string params_file, metrics;
    std::optional<std::chrono::milliseconds> timeout;
};

void print_result(Context& ctx, const train::TrainResult& result) {
    for (auto& t : result.runs) {
        if (t.record.status == train::RunStatus::succeeded)
            ctx.out.note(summary(t));
        else
            ctx.out.warn(summary(t));
    }
    if (ctx.options.json) {
        ctx.out.json(train::to_json(result));
        return;
    }
    if (result.selected) {
        auto& best = result.runs[*result.selected];
        ctx.out.note(fmt::format("selected {}", best.reference));
        ctx.out.result(best.reference);
        return;
    }
    for (auto& t : result.runs)
        ctx.out.result(t.reference);
}

void run_train(Context& ctx, TrainFlags& flags) {
    auto& options = flags.options;
    options.cwd = std::filesystem::current_path();
    options.explain = options.explain || ctx.options.verbose > 0;
    if (!flags.command.empty()) {
        // One word holding spaces is a shell line (-- 'python a.py && b'); more are argv.
        if (flags.command.size() == 1 && flags.command[0].find(' ') != std::string::npos)
            options.command.shell = flags.command[0];
        else
            options.command.argv = flags.command;
    }
    if (!flags.params_file.empty())
        options.params_file = flags.params_file;
    if (!flags.metrics.empty())
        options.metrics = flags.metrics;
    if (flags.timeout)
        options.timeout_seconds = to_seconds(*flags.timeout);
    if (!ctx.options.quiet)
        options.echo = [](std::string_view chunk) {
            (void)write_all(STDERR_FILENO, chunk, "standard error");
        };
    // Words before any '--' name stages when mlci.yaml has them; after '--', a command.
    bool dashes = std::ranges::find(ctx.args, "--") != ctx.args.end();
    if (!dashes && value_or_throw(train::has_stages(options.cwd))) {
        options.command = {};
        run_train_stages(ctx, options, flags.command);
        return;
    }
    if (!options.select.empty() && options.grid.empty() && options.sample == 0)
        ctx.out.note("note: --select without --grid or --sample picks among one run");

    auto& store = ctx.store();
    auto result = value_or_throw(train::train_command(store, options, ctx.out.reporter()));
    print_result(ctx, result);
    // (A shard with no trial of its own has nothing to pick from: not a failure.)
    if (!options.select.empty() && !result.selected && !result.interrupted && result.planned > 0) {
        ctx.out.warn(
            fmt::format("no succeeded run reports the metric of --select '{}'", options.select));
        ctx.exit = Exit::gate;
    }
    if (!result.all_succeeded())
        ctx.exit = Exit::gate;
    if (result.interrupted) {
        // Die of the same signal, so that a calling shell or CI runner stops too
        // instead of going on as if the step had finished.
        ctx.out.warn(result.runs.empty() ? "interrupted before a run started: nothing recorded"
                                         : "interrupted: the run is recorded as interrupted");
        std::fflush(stdout);
        std::signal(result.interrupted, SIG_DFL);
        std::raise(result.interrupted);
    }
}

} // namespace

void register_train(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<TrainFlags>();
    auto& o = flags->options;
    auto* cmd = app.add_subcommand("train", "Run a training command as a recorded, cached run");
    cmd->group("Pipeline");
    cmd->add_option("command", flags->command,
                    "The command, after '--' (default: train.command); with train.stages in "
                    "mlci.yaml, the stages to run (default: all)")
        ->type_name("COMMAND|STAGE");
    cmd->add_option("-i,--input", o.inputs,
                    "A dataset the run reads: a name from mlci.yaml, a reference, or ALIAS=REF "
                    "(repeatable; default: train.inputs)")
        ->type_name("REF");
    cmd->add_option("--params", flags->params_file,
                    "A YAML or JSON file of params (default: mlci.yaml's params)")
        ->type_name("FILE");
    cmd->add_option("-p,--param", o.overrides,
                    "Set a param, typed: lr=0.1, model.depth=4 (repeatable)")
        ->type_name("KEY=VALUE");
    cmd->add_option("-o,--output", o.outputs,
                    "A file or folder the command writes (repeatable; default: train.outputs)")
        ->type_name("PATH");
    cmd->add_option("--dep", o.deps,
                    "A file, folder or glob the run depends on, for the run cache (repeatable; "
                    "default: train.deps, else the files git shows)")
        ->type_name("PATH");
    cmd->add_option("--metrics", flags->metrics,
                    "The JSON or YAML metrics file the command writes (default: train.metrics)")
        ->type_name("FILE");
    cmd->add_option("-n,--name", o.name,
                    "The run name, tagged NAME:vN (default: train.name when mlci.yaml's command "
                    "runs; for a command after '--', or without train.name, the script it runs: "
                    "train for python3 src/train.py, else the program's name)")
        ->type_name("NAME");
    cmd->add_flag("-f,--force", o.force, "Run even when an identical run is in the cache");
    cmd->add_flag("--explain", o.explain,
                  "On a cache miss, say what differs from the closest earlier run (also -v)");
    cmd->add_option("--remote-cache", o.remote_cache,
                    "A run cache shared through a registry: HOST[:PORT]/REPO or oci:PATH "
                    "(default: $MLCI_REMOTE_CACHE, else train.remote_cache)")
        ->envname("MLCI_REMOTE_CACHE")
        ->type_name("DEST");
    cmd->add_flag("--plain-http", o.plain_http, "Reach the remote cache over http, not https");
    add_duration_option(cmd, "--timeout", flags->timeout,
                        "Stop the command after this long (status timeout)");
    cmd->add_option("--grid", o.grid, "Sweep: run every combination of these values (repeatable)")
        ->type_name("KEY=V1,V2");
    cmd->add_option("-j,--jobs", o.jobs, "Sweep runs, or independent stages, at once (default: 1)")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--sample", o.sample,
                    "Random search: this many trials drawn from the --range values")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--range", o.ranges,
                    "A param to draw for --sample: KEY=uniform:A,B, KEY=loguniform:A,B, "
                    "KEY=int:A,B or KEY=choice:V1,V2 (repeatable)")
        ->type_name("KEY=KIND:ARGS");
    cmd->add_option("--seed", o.seed, "The seed of --sample's draw (default: 0)")->type_name("S");
    cmd->add_option("--shard", o.shard,
                    "Run only shard I of N of the sweep's trials (1-based); auto: GitLab's "
                    "CI_NODE_INDEX/CI_NODE_TOTAL")
        ->type_name("I/N|auto");
    cmd->add_option("--select", o.select,
                    "Print only the best run of a sweep by this metric, and restore its outputs")
        ->type_name("METRIC:max|min");
    cmd->callback([&ctx, flags] { run_train(ctx, *flags); });

    ctx.document(train_doc());
}

} // namespace mlci::cli
