#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mlci/config/project_config.hpp>
#include <mlci/train/stage_graph.hpp>
#include <mutex>
#include <set>

using namespace mlci;
using namespace mlci::train;

namespace {

StageGraph graph_of(const std::string& yaml) {
    auto cfg = config::parse_project_config(yaml, "mlci.yaml");
    REQUIRE(cfg);
    REQUIRE(cfg->train);
    auto g = make_stage_graph(cfg->train->stages);
    REQUIRE(g);
    return *g;
}

Error graph_error(const std::string& yaml) {
    auto cfg = config::parse_project_config(yaml, "mlci.yaml");
    REQUIRE(cfg);
    auto g = make_stage_graph(cfg->train->stages);
    REQUIRE_FALSE(g);
    return g.error();
}

std::vector<std::string> names(const StageGraph& g, const std::vector<size_t>& which) {
    std::vector<std::string> out;
    out.reserve(which.size());
    for (auto i : which)
        out.push_back(g.stages[i].name);
    return out;
}

std::vector<std::string> order(const StageGraph& g) {
    std::vector<std::string> out;
    out.reserve(g.stages.size());
    for (auto& s : g.stages)
        out.push_back(s.name);
    return out;
}

// Written out of order: evaluate first, prepare last; report and features independent.
const char* k_pipeline = R"(
train:
  name: iris
  stages:
    evaluate: {command: sh ev.sh, deps: [ev.sh, models/], metrics: scores.json}
    fit: {command: sh fit.sh, deps: [fit.sh, data/clean.csv, data/features], outputs: [models/model.pkl]}
    features: {command: sh f.sh, deps: ["data/*.csv"], outputs: [data/features]}
    report: {command: sh r.sh, needs: [prepare], outputs: [report.txt]}
    prepare: {command: sh p.sh, deps: [p.sh], outputs: [./data/clean.csv]}
)";

} // namespace

TEST_CASE("stage graph: deps on another stage's outputs order the stages", "[stages]") {
    auto g = graph_of(k_pipeline);
    CHECK(order(g) == std::vector<std::string>{"prepare", "features", "fit", "evaluate", "report"});
    auto up = [&](const char* name) {
        std::vector<std::string> out;
        for (auto u : g.upstream[g.find(name)])
            out.push_back(g.stages[u].name);
        return out;
    };
    CHECK(up("prepare").empty());
    CHECK(up("features") == std::vector<std::string>{"prepare"}); // a glob names its output
    CHECK(up("fit") == std::vector<std::string>{"prepare", "features"});
    CHECK(up("evaluate") == std::vector<std::string>{"fit"});   // a folder holding an output
    CHECK(up("report") == std::vector<std::string>{"prepare"}); // needs:
}

TEST_CASE("stage graph: cycles, unknown needs and shared outputs are refused", "[stages]") {
    auto cycle = graph_error(R"(
train:
  stages:
    a: {command: x, deps: [c.out], outputs: [a.out]}
    b: {command: x, deps: [a.out], outputs: [b.out]}
    c: {command: x, needs: [b], outputs: [c.out]}
)");
    CHECK(cycle.code == Exit::usage);
    CHECK_THAT(cycle.message, Catch::Contains("cycle: a -> b -> c -> a"));

    auto self = graph_error("train:\n  stages:\n    a: {command: x, needs: [a]}\n");
    CHECK(self.code == Exit::usage);
    CHECK_THAT(self.message, Catch::Contains("needs itself"));

    auto unknown = graph_error(R"(
train:
  stages:
    a: {command: x}
    b: {command: x, needs: [fitt]}
)");
    CHECK(unknown.code == Exit::usage);
    CHECK_THAT(unknown.message, Catch::Contains("mlci.yaml:5: stage 'b' needs 'fitt'"));

    auto both = graph_error(R"(
train:
  stages:
    a: {command: x, outputs: [out/]}
    b: {command: x, outputs: [out/model.pkl]}
)");
    CHECK(both.code == Exit::usage);
    CHECK_THAT(both.message, Catch::Contains("stages 'a' and 'b' both write"));
}

TEST_CASE("stage config: the keys of a stage, and what stages refuse", "[stages]") {
    auto cfg = config::parse_project_config(R"(
train:
  name: iris
  env: {A: "1"}
  timeout: 60
  stages:
    fit:
      command: [python3, fit.py]
      params: [model.depth]
      env: {B: "2"}
      timeout: 5
)",
                                            "mlci.yaml");
    REQUIRE(cfg);
    auto& fit = cfg->train->stages.at(0);
    CHECK(fit.command.argv.size() == 2);
    CHECK(fit.params == std::vector<std::string>{"model.depth"});
    CHECK(fit.timeout_seconds == 5.0);
    CHECK(cfg->train->env.at("A") == "1");

    auto mixed = config::parse_project_config(
        "train:\n  command: x\n  stages:\n    a: {command: y}\n", "mlci.yaml");
    REQUIRE_FALSE(mixed);
    CHECK_THAT(mixed.error().message, Catch::Contains("'train (with stages).command'"));
    auto no_command =
        config::parse_project_config("train:\n  stages:\n    a: {deps: [x]}\n", "mlci.yaml");
    REQUIRE_FALSE(no_command);
    CHECK_THAT(no_command.error().message, Catch::Contains("train.stages.a.command"));
    auto bad_name =
        config::parse_project_config("train:\n  stages:\n    a/b: {command: x}\n", "mlci.yaml");
    REQUIRE_FALSE(bad_name);
    CHECK_THAT(bad_name.error().message, Catch::Contains("a stage name is"));
}

TEST_CASE("stage graph: a stage is selected with what it needs", "[stages]") {
    auto g = graph_of(k_pipeline);
    auto fit = select_stages(g, {"fit"});
    REQUIRE(fit);
    CHECK(names(g, *fit) == std::vector<std::string>{"prepare", "features", "fit"});
    auto two = select_stages(g, {"report", "features"});
    REQUIRE(two);
    CHECK(names(g, *two) == std::vector<std::string>{"prepare", "features", "report"});
    auto all = select_stages(g, {});
    REQUIRE(all);
    CHECK(all->size() == 5);
    auto bad = select_stages(g, {"fitt"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK_THAT(bad.error().message, Catch::Contains("stages: prepare, features, fit"));
}

TEST_CASE("stage graph: stages run in order, a failure skips what comes after", "[stages]") {
    auto g = graph_of(k_pipeline);
    auto all = *select_stages(g, {});
    std::mutex m;
    std::vector<std::string> ran;
    auto outcomes = run_stage_graph(g, all, 1, [&](size_t i) -> Result<bool> {
        std::lock_guard lock(m);
        ran.push_back(g.stages[i].name);
        return g.stages[i].name != "features"; // features fails
    });
    REQUIRE(outcomes);
    // fit and evaluate need features; report needs only prepare.
    CHECK(ran == std::vector<std::string>{"prepare", "features", "report"});
    CHECK((*outcomes)[g.find("prepare")] == StageOutcome::succeeded);
    CHECK((*outcomes)[g.find("features")] == StageOutcome::failed);
    CHECK((*outcomes)[g.find("fit")] == StageOutcome::skipped);
    CHECK((*outcomes)[g.find("evaluate")] == StageOutcome::skipped);
    CHECK((*outcomes)[g.find("report")] == StageOutcome::succeeded);

    // An error stops new starts and is returned.
    ran.clear();
    auto failed = run_stage_graph(g, all, 1, [&](size_t i) -> Result<bool> {
        ran.push_back(g.stages[i].name);
        if (g.stages[i].name == "features")
            return runtime_error("cannot start");
        return true;
    });
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message == "cannot start");
    CHECK(ran == std::vector<std::string>{"prepare", "features"});
}

TEST_CASE("stage graph: -j runs independent stages at once, never a stage before its upstream",
          "[stages]") {
    // features and report both need only prepare: with two jobs they overlap.
    // Each waits (a bounded time) for the other to have started.
    auto g = graph_of(k_pipeline);
    auto all = *select_stages(g, {});
    for (unsigned jobs : {1u, 2u}) {
        std::mutex m;
        std::condition_variable cv;
        std::set<std::string> running, done;
        size_t most_at_once = 0;
        bool order_kept = true;
        auto outcomes = run_stage_graph(g, all, jobs, [&](size_t i) -> Result<bool> {
            auto& name = g.stages[i].name;
            std::unique_lock lock(m);
            for (auto u : g.upstream[i])
                order_kept = order_kept && done.contains(g.stages[u].name);
            running.insert(name);
            most_at_once = std::max(most_at_once, running.size());
            cv.notify_all();
            if (name == "features" || name == "report")
                cv.wait_for(lock, std::chrono::seconds(jobs == 1 ? 0 : 10), [&] {
                    return running.contains("features") && running.contains("report");
                });
            running.erase(name);
            done.insert(name);
            return true;
        });
        REQUIRE(outcomes);
        CHECK(order_kept);
        CHECK(done.size() == 5);
        CHECK(most_at_once == jobs);
    }
}
