#include <algorithm>
#include <condition_variable>
#include <mlci/store/file_list.hpp>
#include <mlci/train/stage_graph.hpp>
#include <mutex>
#include <optional>
#include <thread>

namespace mlci::train {

namespace {

std::string normal_path(const std::string& p) {
    auto s = std::filesystem::path(p).lexically_normal().generic_string();
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s;
}

bool is_below(const std::string& path, const std::string& folder) {
    return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

// True when the dep (a path, folder or glob) names the output, or lies in it.
bool dep_reads(const std::string& dep, const std::string& output) {
    auto d = normal_path(dep), o = normal_path(output);
    return d == o || store::path_selected(o, {d}) || is_below(d, o);
}

// True when two outputs are one path, or one holds the other.
bool outputs_meet(const std::string& a, const std::string& b) {
    auto x = normal_path(a), y = normal_path(b);
    return x == y || is_below(x, y) || is_below(y, x);
}

std::vector<std::string> written_by(const config::StageConfig& s) {
    auto out = s.outputs;
    if (!s.metrics.empty())
        out.push_back(s.metrics);
    return out;
}

// A cycle among the stages not yet ordered, as "a -> b -> a".
std::string describe_cycle(const std::vector<config::StageConfig>& stages,
                           const std::vector<std::vector<size_t>>& upstream,
                           const std::vector<bool>& placed) {
    // Walk upstream from an unplaced stage: every unplaced stage has an
    // unplaced upstream one, so the walk comes back to a stage it has seen.
    size_t start = std::find(placed.begin(), placed.end(), false) - placed.begin();
    std::vector<size_t> path;
    std::vector<int> seen_at(stages.size(), -1);
    for (size_t at = start; seen_at[at] < 0;) {
        seen_at[at] = static_cast<int>(path.size());
        path.push_back(at);
        for (auto u : upstream[at])
            if (!placed[u]) {
                at = u;
                break;
            }
        if (seen_at[at] >= 0) {
            // The walk went upstream: print it the way the data flows.
            auto first = static_cast<size_t>(seen_at[at]);
            std::string text = stages[path[first]].name;
            for (size_t k = path.size(); k-- > first + 1;)
                text += " -> " + stages[path[k]].name;
            return text + " -> " + stages[path[first]].name;
        }
    }
    return stages[start].name;
}

} // namespace

size_t StageGraph::find(std::string_view name) const {
    for (size_t i = 0; i < stages.size(); ++i)
        if (stages[i].name == name)
            return i;
    return std::string::npos;
}

Result<StageGraph> make_stage_graph(std::vector<config::StageConfig> stages) {
    auto n = stages.size();
    std::vector<std::vector<size_t>> upstream(n);
    auto index_of = [&](std::string_view name) -> std::optional<size_t> {
        for (size_t i = 0; i < n; ++i)
            if (stages[i].name == name)
                return i;
        return {};
    };
    for (size_t i = 0; i < n; ++i) {
        auto add = [&](size_t u) {
            if (std::find(upstream[i].begin(), upstream[i].end(), u) == upstream[i].end())
                upstream[i].push_back(u);
        };
        for (auto& need : stages[i].needs) {
            auto u = index_of(need);
            if (!u)
                return usage_error("{}stage '{}' needs '{}', which is not a stage (train.stages "
                                   "names them)",
                                   stages[i].where, stages[i].name, need);
            if (*u == i)
                return usage_error("{}stage '{}' needs itself", stages[i].where, stages[i].name);
            add(*u);
        }
        for (size_t j = 0; j < n; ++j) {
            if (j == i)
                continue;
            for (auto& o : written_by(stages[j]))
                for (auto& mine : written_by(stages[i]))
                    if (j < i && outputs_meet(o, mine))
                        return usage_error("{}stages '{}' and '{}' both write '{}': give each "
                                           "path to one stage",
                                           stages[i].where, stages[j].name, stages[i].name,
                                           o.size() <= mine.size() ? o : mine);
            bool reads = false;
            for (auto& d : stages[i].deps)
                for (auto& o : written_by(stages[j]))
                    reads = reads || dep_reads(d, o);
            if (reads)
                add(j);
        }
    }
    // Kahn's order, taking the first ready stage in file order each time.
    StageGraph graph;
    std::vector<bool> placed(n, false);
    std::vector<size_t> new_index(n);
    for (size_t round = 0; round < n; ++round) {
        size_t next = n;
        for (size_t i = 0; i < n && next == n; ++i)
            if (!placed[i] && std::all_of(upstream[i].begin(), upstream[i].end(),
                                          [&](size_t u) { return placed[u]; }))
                next = i;
        if (next == n)
            return usage_error("train.stages: the stages depend on each other in a cycle: {} "
                               "(a stage's needs and the deps that are another stage's outputs "
                               "make it run after that stage)",
                               describe_cycle(stages, upstream, placed));
        placed[next] = true;
        new_index[next] = graph.stages.size();
        graph.stages.push_back(stages[next]);
        graph.upstream.push_back(upstream[next]);
    }
    for (auto& ups : graph.upstream) {
        for (auto& u : ups)
            u = new_index[u];
        std::sort(ups.begin(), ups.end());
    }
    return graph;
}

Result<std::vector<size_t>> select_stages(const StageGraph& graph,
                                          const std::vector<std::string>& wanted) {
    std::vector<bool> chosen(graph.stages.size(), wanted.empty());
    for (auto& name : wanted) {
        auto i = graph.find(name);
        if (i == std::string::npos) {
            std::string names;
            for (auto& s : graph.stages)
                names += (names.empty() ? "" : ", ") + s.name;
            return usage_error("'{}' is not a stage of train.stages (stages: {}); a command to "
                               "run goes after '--'",
                               name, names);
        }
        chosen[i] = true;
    }
    // Upstream comes first in the graph's order: one pass backwards closes it.
    for (size_t i = graph.stages.size(); i-- > 0;)
        if (chosen[i])
            for (auto u : graph.upstream[i])
                chosen[u] = true;
    std::vector<size_t> out;
    for (size_t i = 0; i < chosen.size(); ++i)
        if (chosen[i])
            out.push_back(i);
    return out;
}

Result<std::vector<StageOutcome>>
run_stage_graph(const StageGraph& graph, const std::vector<size_t>& selected, unsigned jobs,
                const std::function<Result<bool>(size_t)>& run, const std::function<bool()>& stop) {
    std::vector<StageOutcome> outcome(graph.stages.size(), StageOutcome::pending);
    std::vector<bool> started(graph.stages.size(), false);
    std::mutex mutex;
    std::condition_variable changed;
    size_t running = 0;
    std::optional<Error> error;
    auto halted = [&] { return error || (stop && stop()); };
    // Under the lock: skips what cannot run, then the next stage to start.
    auto next_ready = [&]() -> std::optional<size_t> {
        for (auto i : selected) {
            if (outcome[i] != StageOutcome::pending || started[i])
                continue;
            bool blocked = false, waiting = false;
            for (auto u : graph.upstream[i]) {
                blocked = blocked || outcome[u] == StageOutcome::failed ||
                          outcome[u] == StageOutcome::skipped;
                waiting = waiting || outcome[u] == StageOutcome::pending;
            }
            if (blocked)
                outcome[i] = StageOutcome::skipped;
            else if (!waiting && !halted())
                return i;
        }
        return {};
    };
    auto worker = [&] {
        std::unique_lock lock(mutex);
        for (;;) {
            std::optional<size_t> i;
            changed.wait(lock, [&] { return (i = next_ready()) || running == 0; });
            if (!i)
                return; // nothing runs and nothing can start: done
            started[*i] = true;
            ++running;
            lock.unlock();
            auto ok = run(*i);
            lock.lock();
            --running;
            if (!ok && !error)
                error = ok.error();
            outcome[*i] = ok && *ok ? StageOutcome::succeeded : StageOutcome::failed;
            changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    auto n = std::min<size_t>(std::max(1u, jobs), std::max<size_t>(1, selected.size()));
    for (size_t t = 1; t < n; ++t)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
    if (error)
        return std::unexpected(*error);
    return outcome;
}

} // namespace mlci::train
