#include <algorithm>
#include <atomic>
#include <mlci/core/parallel.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/train/execute.hpp>
#include <mlci/train/inputs.hpp>
#include <mlci/train/stages.hpp>
#include <mutex>

namespace mlci::train {

namespace {

// The flags that describe one command: a stage's come from mlci.yaml.
Status refuse_command_flags(const TrainOptions& o) {
    std::vector<std::string> given;
    auto flag = [&](bool set, const char* name) {
        if (set)
            given.emplace_back(name);
    };
    flag(!o.outputs.empty(), "--output");
    flag(!o.deps.empty(), "--dep");
    flag(o.metrics.has_value(), "--metrics");
    flag(!o.inputs.empty(), "--input");
    flag(!o.grid.empty(), "--grid");
    flag(!o.ranges.empty() || o.sample > 0, "--sample/--range");
    flag(!o.shard.empty(), "--shard");
    flag(!o.select.empty(), "--select");
    flag(o.timeout_seconds.has_value(), "--timeout");
    if (given.empty())
        return {};
    std::string list;
    for (auto& g : given)
        list += (list.empty() ? "" : ", ") + g;
    return usage_error("{} describe one command; mlci.yaml's train.stages says each stage's (run "
                       "a command of your own after '--')",
                       list);
}

// What an upstream stage's run made, as a stage's key holds it: its outputs
// by path and content, and its metrics.
nlohmann::json made_by(const RunRecord& r) {
    nlohmann::json outputs = nlohmann::json::object();
    for (auto& o : r.outputs)
        outputs[o.path] = o.digest.str();
    nlohmann::json metrics = nlohmann::json::object();
    for (auto& [k, v] : r.metrics)
        metrics[k] = v;
    return {{"outputs", outputs}, {"metrics", metrics}};
}

std::vector<std::string> stage_writes(const config::StageConfig& s) {
    auto out = s.outputs;
    if (!s.metrics.empty())
        out.push_back(s.metrics);
    return out;
}

} // namespace

bool StagesResult::all_succeeded() const {
    if (interrupted)
        return false;
    return std::all_of(stages.begin(), stages.end(),
                       [](auto& s) { return s.outcome == StageOutcome::succeeded; });
}

std::string stage_run_name(const std::string& name, const std::string& stage) {
    return (name.empty() ? std::string("train") : name) + "/" + stage;
}

Result<bool> has_stages(const fs::path& cwd) {
    MLCI_TRY_ASSIGN(config, config::find_project_config(cwd));
    return config.train && !config.train->stages.empty();
}

Result<StagesResult> train_stages(store::Store& store, const TrainOptions& options,
                                  const std::vector<std::string>& wanted, const Reporter& reporter,
                                  const std::function<void(const StageResult&)>& on_done) {
    process::InterruptGuard guard;
    unsigned signals_before = process::interrupt_count();
    MLCI_TRY(refuse_command_flags(options));
    MLCI_TRY_ASSIGN(config, config::find_project_config(options.cwd));
    if (!config.train || config.train->stages.empty())
        return usage_error("mlci.yaml has no train.stages to run");
    MLCI_TRY_ASSIGN(graph, make_stage_graph(config.train->stages));
    MLCI_TRY_ASSIGN(selected, select_stages(graph, wanted));
    auto base = !options.name.empty() ? options.name : config.train->name;

    std::vector<std::optional<TrainedRun>> runs(graph.stages.size());
    // Planning reads git and the stat cache and restores inputs: one stage
    // at a time. The commands, and recording their runs, go at once.
    std::mutex plan_mutex, done_mutex, echo_mutex;
    std::atomic<bool> told_cache_off = false;
    auto run_one = [&](size_t i) -> Result<bool> {
        const auto& stage = graph.stages[i];
        StagePlanning planning;
        planning.stage = &stage;
        planning.run_name = stage_run_name(base, stage.name);
        // What stages other than this one and those it reads write: never its code.
        const auto& ups = graph.upstream[i];
        for (size_t j = 0; j < graph.stages.size(); ++j)
            if (j != i && std::ranges::find(ups, j) == ups.end())
                for (auto& w : stage_writes(graph.stages[j]))
                    planning.others_write.push_back(w);
        for (auto u : graph.upstream[i]) {
            auto& up = *runs[u]; // succeeded, or this stage would be skipped
            planning.upstream.push_back(
                {{graph.stages[u].name, up.reference, up.manifest}, made_by(up.record)});
        }
        auto stage_options = options;
        stage_options.name.clear();
        stage_options.force =
            options.force &&
            (wanted.empty() || std::ranges::find(wanted, stage.name) != wanted.end());
        std::unique_lock plan_lock(plan_mutex);
        MLCI_TRY_ASSIGN(plan, make_stage_plan(store, stage_options, config, planning));
        plan.reporter = &reporter;
        if (!plan.use_cache && !told_cache_off.exchange(true))
            reporter.say("note: the run cache is off: not in a git repository with a commit, "
                         "so a change of code could not be seen");
        for (auto& in : plan.inputs) {
            MLCI_TRY_ASSIGN(st, materialise_input(store, plan.project, in, default_jobs()));
            if (st.restored > 0)
                reporter.say(fmt::format("input {}: restored {} of {} file(s) of {}", in.name,
                                         st.restored, st.files, in.reference));
        }
        plan_lock.unlock();

        Member member{plan.params, plan.project, true, {}, {}, {}, {}};
        auto run = execute_labelled(store, plan, std::move(member), "[" + stage.name + "]",
                                    options.echo, echo_mutex);
        if (!run)
            return std::unexpected(run.error());
        bool ok = run->record.status == RunStatus::succeeded;
        runs[i] = std::move(*run);
        std::lock_guard lock(done_mutex);
        if (on_done)
            on_done({stage.name, ok ? StageOutcome::succeeded : StageOutcome::failed, runs[i]});
        return ok;
    };
    auto stopped = [&] { return process::interrupt_count() != signals_before; };
    MLCI_TRY_ASSIGN(outcomes, run_stage_graph(graph, selected, options.jobs, run_one, stopped));

    StagesResult result;
    for (auto i : selected)
        result.stages.push_back({graph.stages[i].name, outcomes[i], runs[i]});
    if (stopped())
        result.interrupted = process::interrupt_signal();
    return result;
}

} // namespace mlci::train
