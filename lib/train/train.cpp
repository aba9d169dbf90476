// `mlci train`: one run, or a sweep over a grid of params.
#include <cstdlib>
#include <mlci/core/parallel.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/execute.hpp>
#include <mlci/train/inputs.hpp>
#include <mlci/train/mirror.hpp>
#include <mlci/train/params.hpp>
#include <mlci/train/sweep_plan.hpp>
#include <mlci/train/tag_turns.hpp>
#include <mlci/train/train.hpp>
#include <mlci/train/work_dir.hpp>
#include <mutex>

namespace mlci::train {

namespace {

std::string describe(const std::vector<Override>& combo) {
    std::string out;
    for (auto& o : combo)
        out += (out.empty() ? "" : " ") + o.key + "=" + format_value(o.value);
    return out;
}

Result<nlohmann::json> params_for(const RunPlan& plan, const std::vector<Override>& combo) {
    auto params = plan.params;
    for (auto& o : combo)
        MLCI_TRY(apply_override(params, o));
    return params;
}

// One trial of a sweep: its place in the whole sweep, and its params.
struct SweepTrial {
    size_t index;
    std::vector<Override> combo;
};

Status run_sweep(store::Store& store, const RunPlan& plan, const TrainOptions& options,
                 const std::string& sweep_id, const std::vector<SweepTrial>& trials,
                 size_t sweep_size, TrainResult& result, const Reporter& reporter,
                 unsigned signals_before) {
    // Scratch only: a fresh name, so that shards running at once in one
    // store do not meet (the sweep id is the same for all of them).
    MLCI_TRY_ASSIGN(work, WorkDir::make(store, "sweep-" + new_run_id()));
    const auto& sweep_dir = work.dir();
    std::vector<std::optional<TrainedRun>> slots(trials.size());
    std::mutex echo_mutex;
    std::vector<std::string> own = plan.outputs;
    if (!plan.metrics.empty())
        own.push_back(plan.metrics);
    TagTurns turns(trials.size());
    auto status = parallel_for(trials.size(), std::max(1u, options.jobs), [&](size_t i) -> Status {
        TagTurns::Done done(turns, i);
        if (process::interrupt_count() != signals_before)
            return {}; // Ctrl-C: start nothing new
        const auto& trial = trials[i];
        // Numbered in the whole sweep, so that shards' logs read as one.
        auto label = fmt::format("[{}/{}]", trial.index + 1, sweep_size);
        reporter.say(fmt::format("{} {}", label, describe(trial.combo)));
        MLCI_TRY_ASSIGN(params, params_for(plan, trial.combo));
        Member member{std::move(params),
                      sweep_dir / std::to_string(trial.index),
                      false,
                      {},
                      sweep_id,
                      options.select,
                      {}};
        member.before_tag = [&turns, i] { turns.wait_turn(i); };
        MLCI_TRY(make_mirror(plan.project, member.root, own));
        auto run = execute_labelled(store, plan, member, label, options.echo, echo_mutex);
        std::error_code ec;
        fs::remove_all(member.root, ec);
        if (!run)
            return std::unexpected(run.error());
        run->trial = trial.index;
        slots[i] = std::move(*run);
        return {};
    });
    for (auto& s : slots)
        if (s)
            result.runs.push_back(std::move(*s));
    return status;
}

std::optional<size_t> select_best(const std::vector<TrainedRun>& runs, const Selector& sel) {
    std::optional<size_t> best;
    for (size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].record.status != RunStatus::succeeded)
            continue;
        auto it = runs[i].record.metrics.find(sel.metric);
        if (it == runs[i].record.metrics.end())
            continue;
        if (!best)
            best = i;
        else {
            double b = runs[*best].record.metrics.at(sel.metric);
            if (sel.maximise ? it->second > b : it->second < b)
                best = i;
        }
    }
    return best;
}

} // namespace

bool TrainResult::all_succeeded() const {
    if (interrupted || runs.size() != planned)
        return false;
    for (auto& r : runs)
        if (r.record.status != RunStatus::succeeded)
            return false;
    return true;
}

Result<Selector> parse_selector(std::string_view text) {
    Selector s;
    auto colon = text.rfind(':');
    std::string_view how = colon == std::string_view::npos ? "max" : text.substr(colon + 1);
    s.metric = std::string(colon == std::string_view::npos ? text : text.substr(0, colon));
    if (s.metric.empty() || (how != "max" && how != "min"))
        return usage_error("invalid --select '{}': expected METRIC:max or METRIC:min", text);
    s.maximise = how == "max";
    return s;
}

std::string default_run_name(const config::CommandSpec& command) {
    std::vector<std::string> words = command.argv;
    if (words.empty()) {
        size_t i = 0;
        auto& s = command.shell;
        while (i < s.size()) {
            auto b = s.find_first_not_of(" \t", i);
            if (b == std::string::npos)
                break;
            auto e = s.find_first_of(" \t", b);
            words.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
            i = e == std::string::npos ? s.size() : e;
        }
    }
    if (words.empty())
        return "run";
    auto program = fs::path(words[0]).filename().string();
    std::string chosen = program;
    static const char* k_interpreters[] = {"python", "Rscript", "bash", "sh", "node",
                                           "julia",  "ruby",    "perl", "uv", "poetry"};
    for (auto* interp : k_interpreters)
        if (program.starts_with(interp)) {
            for (size_t i = 1; i < words.size(); ++i)
                if (!words[i].starts_with("-") && words[i] != "run") {
                    chosen = fs::path(words[i]).stem().string();
                    break;
                }
            break;
        }
    std::string name;
    for (char c : chosen) {
        auto u = static_cast<unsigned char>(c);
        name.push_back(std::isalnum(u) || c == '.' || c == '_' || c == '-'
                           ? static_cast<char>(std::tolower(u))
                           : '-');
    }
    while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.front())))
        name.erase(name.begin());
    return name.empty() ? "run" : name;
}

Result<TrainResult> train_command(store::Store& store, const TrainOptions& options,
                                  const Reporter& reporter) {
    process::InterruptGuard guard;
    unsigned signals_before = process::interrupt_count();
    std::optional<Selector> selector;
    if (!options.select.empty()) {
        MLCI_TRY_ASSIGN(s, parse_selector(options.select));
        selector = s;
    }
    MLCI_TRY_ASSIGN(spec, parse_sweep(options.grid, options.ranges, options.sample, options.seed));
    std::optional<Shard> shard;
    if (!options.shard.empty()) {
        if (!is_sweep(spec))
            return usage_error("--shard splits a sweep: give --grid or --sample too");
        auto env = [](const std::string& name) -> std::optional<std::string> {
            if (const char* v = std::getenv(name.c_str()))
                return std::string(v);
            return {};
        };
        MLCI_TRY_ASSIGN(s, parse_shard(options.shard, env));
        shard = s;
    }
    auto combos = sweep_trials(spec);
    MLCI_TRY_ASSIGN(plan, make_plan(store, options));
    plan.reporter = &reporter;
    if (!plan.use_cache)
        reporter.say(plan.code ? "note: the run cache is off: the git repository has no commit yet"
                               : "note: the run cache is off: not in a git repository, so a "
                                 "change of code could not be seen");
    if (plan.outputs.empty() && plan.metrics.empty())
        reporter.warn("the run declares no output and no metrics file: it records the command "
                      "and its log, nothing to reuse, package or gate on (pass -o PATH and "
                      "--metrics FILE, or set train.outputs and train.metrics in mlci.yaml)");

    for (auto& in : plan.inputs) {
        MLCI_TRY_ASSIGN(st, materialise_input(store, plan.project, in, default_jobs()));
        if (st.restored > 0)
            reporter.say(fmt::format("input {}: restored {} of {} file(s) of {}", in.name,
                                     st.restored, st.files, in.reference));
    }

    TrainResult result;
    result.sweep_size = combos.size();
    std::vector<SweepTrial> trials;
    for (size_t k = 0; k < combos.size(); ++k)
        if (!shard || in_shard(k, *shard))
            trials.push_back({k, std::move(combos[k])});
    result.planned = trials.size();
    if (shard) {
        result.shard = fmt::format("{}/{}", shard->index, shard->total);
        reporter.say(fmt::format("shard {}: {} of the sweep's {} trial(s)", result.shard,
                                 trials.size(), result.sweep_size));
        if (selector)
            reporter.say(fmt::format("note: --select picks among shard {}'s trials only; the "
                                     "same command without --shard picks among all",
                                     result.shard));
    }
    if (process::interrupt_count() != signals_before) {
        result.interrupted = process::interrupt_signal(); // Ctrl-C before anything ran
        return result;
    }
    if (result.sweep_size == 1 && !shard) {
        MLCI_TRY_ASSIGN(params, params_for(plan, trials[0].combo));
        Member member{std::move(params), plan.project, true, options.echo, {}, {}, {}};
        MLCI_TRY_ASSIGN(run, execute(store, plan, member));
        result.runs.push_back(std::move(run));
    } else if (!trials.empty()) {
        // The facts of the runs before the sweep's params: what every shard shares.
        result.sweep_id = sweep_id(spec, cache_facts(plan, plan.params));
        MLCI_TRY(run_sweep(store, plan, options, result.sweep_id, trials, result.sweep_size, result,
                           reporter, signals_before));
    }
    if (process::interrupt_count() != signals_before)
        result.interrupted = process::interrupt_signal();

    if (selector && !result.interrupted) {
        result.selected = select_best(result.runs, *selector);
        // The chosen model is the one the workspace should hold afterwards.
        if (result.selected && !result.sweep_id.empty()) { // members ran in mirrors
            auto& best = result.runs[*result.selected];
            MLCI_TRY_ASSIGN(
                run, load_run(store, store::IndexEntry{
                                         {store::k_oci_manifest, best.manifest, 0, {}, {}, {}},
                                         best.reference}));
            MLCI_TRY(restore_run_outputs(store, plan, run));
        }
    }
    return result;
}

} // namespace mlci::train
