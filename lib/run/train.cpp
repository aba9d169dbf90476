// `mlci train`: one run, or a sweep over a grid of params.
#include <mlci/core/parallel.hpp>
#include <mlci/run/execute.hpp>
#include <mlci/run/inputs.hpp>
#include <mlci/run/interrupt.hpp>
#include <mlci/run/mirror.hpp>
#include <mlci/run/params.hpp>
#include <mlci/run/train.hpp>
#include <mlci/run/work_dir.hpp>
#include <mlci/store/media_types.hpp>
#include <mutex>

namespace mlci::run {

namespace {

// Prefixes each line of a sweep member's output with its label, so that
// members running at once stay readable on one terminal.
class LinePrefixer {
public:
    LinePrefixer(std::string label, std::function<void(std::string_view)> out)
        : m_label(std::move(label)), m_out(std::move(out)) {}
    void feed(std::string_view chunk) {
        while (!chunk.empty()) {
            auto nl = chunk.find('\n');
            m_pending.append(chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl + 1));
            if (nl == std::string_view::npos)
                return;
            emit();
            chunk.remove_prefix(nl + 1);
        }
    }
    void flush() {
        if (!m_pending.empty()) {
            m_pending.push_back('\n');
            emit();
        }
    }

private:
    void emit() {
        m_out(m_label + " " + m_pending);
        m_pending.clear();
    }
    std::string m_label, m_pending;
    std::function<void(std::string_view)> m_out;
};

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

Status run_sweep(store::Store& store, const RunPlan& plan, const TrainOptions& options,
                 const std::vector<std::vector<Override>>& combos, TrainResult& result,
                 const Reporter& reporter, unsigned signals_before) {
    auto sweep_id = new_run_id();
    MLCI_TRY_ASSIGN(work, WorkDir::make(store, "sweep-" + sweep_id));
    const auto& sweep_dir = work.dir();
    std::vector<std::optional<TrainedRun>> slots(combos.size());
    std::mutex echo_mutex;
    std::vector<std::string> own = plan.outputs;
    if (!plan.metrics.empty())
        own.push_back(plan.metrics);
    auto status = parallel_for(combos.size(), std::max(1u, options.jobs), [&](size_t i) -> Status {
        if (interrupt_count() != signals_before)
            return {}; // Ctrl-C: start nothing new
        auto label = fmt::format("[{}/{}]", i + 1, combos.size());
        reporter.say(fmt::format("{} {}", label, describe(combos[i])));
        MLCI_TRY_ASSIGN(params, params_for(plan, combos[i]));
        Member member{std::move(params), sweep_dir / std::to_string(i), false, {}, sweep_id,
                      options.select};
        MLCI_TRY(make_mirror(plan.project, member.root, own));
        std::optional<LinePrefixer> prefixer;
        if (options.echo) {
            prefixer.emplace(label, [&](std::string_view line) {
                std::lock_guard lock(echo_mutex);
                options.echo(line);
            });
            member.echo = [&](std::string_view chunk) { prefixer->feed(chunk); };
        }
        auto run = execute(store, plan, member);
        if (prefixer)
            prefixer->flush();
        std::error_code ec;
        fs::remove_all(member.root, ec);
        if (!run)
            return std::unexpected(run.error());
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

Result<TrainResult> train(store::Store& store, const TrainOptions& options,
                          const Reporter& reporter) {
    InterruptGuard guard;
    unsigned signals_before = interrupt_count();
    std::optional<Selector> selector;
    if (!options.select.empty()) {
        MLCI_TRY_ASSIGN(s, parse_selector(options.select));
        selector = s;
    }
    std::vector<GridAxis> axes;
    for (auto& g : options.grid) {
        MLCI_TRY_ASSIGN(axis, parse_grid_axis(g));
        axes.push_back(std::move(axis));
    }
    auto combos = expand_grid(axes);
    MLCI_TRY_ASSIGN(plan, make_plan(store, options));
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
    result.planned = combos.size();
    if (interrupt_count() != signals_before) {
        result.interrupted = interrupt_signal(); // Ctrl-C before anything ran
        return result;
    }
    if (combos.size() == 1) {
        MLCI_TRY_ASSIGN(params, params_for(plan, combos[0]));
        Member member{std::move(params), plan.project, true, options.echo, {}, {}};
        MLCI_TRY_ASSIGN(run, execute(store, plan, member));
        result.runs.push_back(std::move(run));
    } else {
        MLCI_TRY(run_sweep(store, plan, options, combos, result, reporter, signals_before));
    }
    if (interrupt_count() != signals_before)
        result.interrupted = interrupt_signal();

    if (selector && !result.interrupted) {
        result.selected = select_best(result.runs, *selector);
        // The chosen model is the one the workspace should hold afterwards.
        if (result.selected && combos.size() > 1) {
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

} // namespace mlci::run
