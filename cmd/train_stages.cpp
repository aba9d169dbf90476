#include "train_stages.hpp"

#include "train_output.hpp"

#include <csignal>
#include <cstdio>
#include <mlci/train/stages.hpp>
#include <mlci/train/train_json.hpp>

namespace mlci::cli {

namespace {

// "stage fit: ran, iris/fit:v2: succeeded (...)"; a reused or failed run's
// summary says so itself ("iris/fit:v1: reused (...)", "...: failed (...)").
void say_stage(Context& ctx, const train::StageResult& s) {
    if (!s.run)
        return;
    auto& t = *s.run;
    bool ran = !t.cached && s.outcome == train::StageOutcome::succeeded;
    auto line = fmt::format("stage {}: {}{}", s.stage, ran ? "ran, " : "", summary(t));
    if (s.outcome == train::StageOutcome::succeeded)
        ctx.out.note(line);
    else
        ctx.out.warn(line);
}

} // namespace

void run_train_stages(Context& ctx, const train::TrainOptions& options,
                      const std::vector<std::string>& wanted) {
    auto& store = ctx.store();
    auto result = value_or_throw(
        train::train_stages(store, options, wanted, ctx.out.reporter(),
                            [&](const train::StageResult& s) { say_stage(ctx, s); }));
    for (auto& s : result.stages)
        if (s.outcome == train::StageOutcome::skipped)
            ctx.out.warn(
                fmt::format("stage {}: not run: a stage it needs did not succeed", s.stage));
        else if (s.outcome == train::StageOutcome::pending)
            ctx.out.warn(fmt::format("stage {}: not run: training stopped", s.stage));
    if (ctx.options.json) {
        ctx.out.json(train::to_json(result));
    } else {
        for (auto& s : result.stages)
            if (s.run)
                ctx.out.result(s.run->reference);
    }
    if (!result.all_succeeded())
        ctx.exit = Exit::gate;
    if (result.interrupted) {
        // As a single run does: die of the signal, so that the caller stops too.
        ctx.out.warn("interrupted: the running stages are recorded as interrupted");
        std::fflush(stdout);
        std::signal(result.interrupted, SIG_DFL);
        std::raise(result.interrupted);
    }
}

std::string stages_doc() {
    return "Stages: when mlci.yaml's train section has stages (a map of stage names to "
           "command, deps, inputs, outputs, metrics, params, needs, timeout and env; see "
           "mlci.yaml(5)), mlci train runs them as a graph: a stage runs after the stages it "
           "needs and after those whose outputs or metrics file one of its deps names (the "
           "path, a folder holding it, or a glob). Words before '--' name the stages to run "
           "(default: all); the stages they need run too, from the cache when unchanged. Each "
           "stage is a run named NAME/STAGE (NAME is --name, else train.name, else train), "
           "tagged NAME/STAGE:vN, with a cache key of its own that holds what its upstream "
           "stages made (their outputs' digests and metrics): a change reruns that stage and "
           "the stages after it, not those before. A stage's command gets only the params its "
           "params list names. -j N runs up to N independent stages at once. Each stage says "
           "on standard error whether it ran, was reused or failed; standard output lists the "
           "runs' references in the graph's order. A stage that fails stops the stages that "
           "need it (running ones finish; independent ones still run) and train exits 1. Each "
           "run records its stage and the upstream runs it consumed "
           "(dev.mlci.lineage.stages), which mlci lineage follows. --force runs the named "
           "stages again (all when none is named). A cycle, a need that is not a stage, two "
           "stages writing one path, an unknown stage, and the flags that describe one "
           "command (--output, --dep, --metrics, --input, --timeout, --grid, --sample, "
           "--shard, --select) are refused (exit 2). A command after '--' runs on its own as "
           "without stages.";
}

} // namespace mlci::cli
