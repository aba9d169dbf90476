#include <catch2/catch.hpp>
#include <mlci/train/query.hpp>
#include <mlci/train/train_json.hpp>

using namespace mlci;
using namespace mlci::train;

namespace {

hash::Digest train_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

TrainedRun trained_run(const std::string& reference, size_t trial, double accuracy) {
    TrainedRun t;
    t.reference = reference;
    t.manifest = train_json_digest('a');
    t.record.status = RunStatus::succeeded;
    t.record.exit_code = 0;
    t.record.params = {{"lr", 0.1}};
    t.record.metrics = {{"accuracy", accuracy}, {"loss", 0.25}};
    t.record.wall_seconds = 1.5;
    t.record.cache.key = "sha256:" + std::string(64, 'c');
    t.trial = trial;
    return t;
}

} // namespace

TEST_CASE("train json: one run", "[train][train_json]") {
    auto t = trained_run("iris:v2", 0, 0.9);
    auto j = to_json(t);
    CHECK(j.size() == 11);
    CHECK(j["reference"] == "iris:v2");
    CHECK(j["digest"] == train_json_digest('a').str());
    CHECK(j["status"] == "succeeded");
    CHECK(j["exit_code"] == 0);
    CHECK(j["cached"] == false);
    CHECK(j["params"] == nlohmann::json{{"lr", 0.1}});
    CHECK(j["metrics"] == nlohmann::json{{"accuracy", 0.9}, {"loss", 0.25}});
    CHECK(j["wall_seconds"] == 1.5);
    CHECK(j["cache"] ==
          nlohmann::json{{"key", t.record.cache.key}, {"hit", false}, {"source", ""}});
    CHECK(j["trial"] == 1); // 1-based for people
    CHECK(j["problem"] == "");

    // A reused run that failed its outputs: cached, hit, the problem said.
    t.cached = true;
    t.record.cache.hit = true;
    t.record.cache.source = train_json_digest('b').str();
    t.record.status = RunStatus::failed;
    t.record.exit_code = 3;
    t.record.metrics.clear();
    t.problem = "output 'model.pkl' was not written";
    t.trial = 4;
    j = to_json(t);
    CHECK(j["cached"] == true);
    CHECK(j["status"] == "failed");
    CHECK(j["exit_code"] == 3);
    CHECK(j["metrics"].is_object());
    CHECK(j["metrics"].empty());
    CHECK(j["cache"]["hit"] == true);
    CHECK(j["cache"]["source"] == train_json_digest('b').str());
    CHECK(j["trial"] == 5);
    CHECK(j["problem"] == "output 'model.pkl' was not written");
}

TEST_CASE("train json: a single command, a sweep and a shard", "[train][train_json]") {
    TrainResult single;
    single.runs = {trained_run("iris:v1", 0, 0.9)};
    auto j = to_json(single);
    CHECK(j.size() == 4);
    REQUIRE(j["runs"].size() == 1);
    CHECK(j["runs"][0] == to_json(single.runs[0]));
    CHECK(j["selected"].is_null());
    CHECK(j["sweep"].is_null());
    CHECK(j["interrupted"] == false);

    TrainResult sweep;
    sweep.runs = {trained_run("iris:v1", 0, 0.9), trained_run("iris:v2", 1, 0.95)};
    sweep.selected = 1;
    sweep.sweep_id = "s-1234";
    sweep.sweep_size = 2;
    sweep.interrupted = 2; // SIGINT
    j = to_json(sweep);
    REQUIRE(j["runs"].size() == 2);
    CHECK(j["runs"][1]["reference"] == "iris:v2");
    CHECK(j["runs"][1]["trial"] == 2);
    CHECK(j["selected"] == "iris:v2");
    CHECK(j["sweep"] == nlohmann::json{{"id", "s-1234"}, {"trials", 2}, {"shard", nullptr}});
    CHECK(j["interrupted"] == true);

    sweep.shard = "1/3";
    sweep.selected.reset();
    j = to_json(sweep);
    CHECK(j["sweep"]["shard"] == "1/3");
    CHECK(j["selected"].is_null());

    // A shard of a sweep without an id still says it is part of one.
    TrainResult shard_only;
    shard_only.shard = "2/2";
    shard_only.sweep_size = 6;
    j = to_json(shard_only);
    CHECK(j["runs"].is_array());
    CHECK(j["runs"].empty());
    CHECK(j["sweep"] == nlohmann::json{{"id", ""}, {"trials", 6}, {"shard", "2/2"}});
}

TEST_CASE("train json: stages", "[train][train_json]") {
    CHECK(to_string(StageOutcome::succeeded) == "succeeded");
    CHECK(to_string(StageOutcome::failed) == "failed");
    CHECK(to_string(StageOutcome::skipped) == "skipped");
    CHECK(to_string(StageOutcome::pending) == "not-run");

    StagesResult r;
    r.stages.push_back({"prep", StageOutcome::succeeded, trained_run("iris/prep:v1", 0, 0.5)});
    r.stages.push_back({"fit", StageOutcome::skipped, std::nullopt});
    r.stages.push_back({"eval", StageOutcome::pending, std::nullopt});
    auto j = to_json(r);
    CHECK(j.size() == 3);
    REQUIRE(j["stages"].size() == 3);
    CHECK(j["stages"][0]["stage"] == "prep");
    CHECK(j["stages"][0]["outcome"] == "succeeded");
    CHECK(j["stages"][0]["run"] == to_json(*r.stages[0].run));
    CHECK(j["stages"][1] ==
          nlohmann::json{{"stage", "fit"}, {"outcome", "skipped"}, {"run", nullptr}});
    CHECK(j["stages"][2]["outcome"] == "not-run");
    // "runs" holds only the stages that have one, as a single command's has them.
    REQUIRE(j["runs"].size() == 1);
    CHECK(j["runs"][0]["reference"] == "iris/prep:v1");
    CHECK(j["interrupted"] == false);
    r.interrupted = 15;
    CHECK(to_json(r)["interrupted"] == true);
}

TEST_CASE("log json: each run with its inputs, in order", "[train][query]") {
    Run a;
    a.entry.tag = "iris:v2";
    a.entry.descriptor.digest = train_json_digest('d');
    a.record.name = "iris";
    a.record.status = RunStatus::succeeded;
    a.record.started = "2026-01-01T00:00:00Z";
    a.record.ended = "2026-01-01T00:00:05Z";
    a.record.wall_seconds = 5;
    a.record.code = CodeRecord{"0123abcd", "main", false, "", ""};
    a.record.metrics = {{"accuracy", 0.9}};
    a.record.inputs = {{"data", "iris-data:v1", train_json_digest('e'), {"data"}}};
    Run b = a;
    b.entry.tag = "iris:v1";
    b.record.code.reset();
    b.record.inputs.clear();
    b.record.status = RunStatus::timeout;

    auto j = runs_json({a, b});
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    CHECK(j[0] == run_json(a));
    CHECK(j[0]["reference"] == "iris:v2");
    CHECK(j[0]["digest"] == train_json_digest('d').str());
    CHECK(j[0]["commit"] == "0123abcd");
    CHECK(j[0]["inputs"] == nlohmann::json::array({{{"name", "data"},
                                                    {"reference", "iris-data:v1"},
                                                    {"digest", train_json_digest('e').str()}}}));
    CHECK(j[1]["reference"] == "iris:v1");
    CHECK(j[1]["status"] == "timeout");
    CHECK(j[1]["commit"] == ""); // not in git: empty, not null
    CHECK(j[1]["inputs"].is_array());
    CHECK(j[1]["inputs"].empty());
    CHECK(runs_json({}) == nlohmann::json::array());
}
