#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/record.hpp>
#include <mlci/train/train.hpp>

using namespace mlci;
using namespace mlci::train;
using json = nlohmann::json;

namespace {

RunRecord sample() {
    RunRecord r;
    r.id = "20260101T000000Z-abcdef";
    r.name = "iris-classifier";
    r.status = RunStatus::succeeded;
    r.command.argv = {"/usr/bin/python3", "src/train.py", "data/iris.csv"};
    r.params = {{"max_depth", 4}, {"model", {{"kind", "forest"}}}};
    r.params_file = "params.yaml";
    r.inputs.push_back({"iris",
                        "iris:v1",
                        *hash::Digest::parse("sha256:" + std::string(64, 'a')),
                        {"data/iris.csv"}});
    r.code = CodeRecord{std::string(40, '1'), "main", true, "sha256:" + std::string(64, 'b'),
                        "https://example.com/r.git"};
    r.environment = {{"host", "ci-1"}};
    r.started = "2026-01-01T00:00:00Z";
    r.ended = "2026-01-01T00:00:02Z";
    r.wall_seconds = 2.5;
    r.cpu_seconds = 1.5;
    r.max_rss_bytes = 1 << 20;
    r.timeout_seconds = 600;
    r.outputs.push_back({"model.pkl", 10, *hash::Digest::parse("sha256:" + std::string(64, 'c'))});
    r.metrics = {{"accuracy", 0.95}, {"train.rows", 105}};
    r.metrics_file = "metrics.json";
    r.cache.key = "sha256:" + std::string(64, 'd');
    return r;
}

} // namespace

TEST_CASE("train: run records keep the contract's shape", "[train][record]") {
    auto j = to_json(sample());
    CHECK(j["kind"] == "run");
    CHECK(j["status"] == "succeeded");
    CHECK(j["command"] == json::array({"/usr/bin/python3", "src/train.py", "data/iris.csv"}));
    CHECK(j["inputs"][0]["name"] == "iris");
    CHECK(j["inputs"][0]["reference"] == "iris:v1");
    CHECK(j["inputs"][0]["digest"].get<std::string>().starts_with("sha256:"));
    CHECK(j["code"]["commit"] == std::string(40, '1'));
    CHECK(j["code"]["dirty"] == true);
    CHECK(j["metrics"]["train.rows"] == 105.0);
    CHECK(j["outputs"][0]["path"] == "model.pkl");
    CHECK(j["cache"]["hit"] == false);
    CHECK(j["cache"]["source"].is_null());
    for (auto key : {"id", "name", "exit_code", "params", "environment", "started", "ended",
                     "wall_seconds", "cpu_seconds", "max_rss_bytes"})
        CHECK(j.contains(key));

    RunRecord shell = sample();
    shell.command = {{}, "python train.py && echo done"};
    shell.code.reset();
    auto s = to_json(shell);
    CHECK(s["command"] == "python train.py && echo done");
    CHECK(s["code"].is_null());
}

TEST_CASE("train: run records read back what they wrote", "[train][record]") {
    auto r = sample();
    auto back = run_record_from_json(to_json(r), "test");
    REQUIRE(back);
    CHECK(back->id == r.id);
    CHECK(back->status == RunStatus::succeeded);
    CHECK(back->command.argv == r.command.argv);
    CHECK(back->params == r.params);
    CHECK(back->inputs.size() == 1);
    CHECK(back->inputs[0].digest == r.inputs[0].digest);
    CHECK(back->inputs[0].paths == r.inputs[0].paths);
    REQUIRE(back->code);
    CHECK(back->code->diff_digest == r.code->diff_digest);
    CHECK(back->metrics == r.metrics);
    CHECK(back->outputs[0].digest == r.outputs[0].digest);
    CHECK(back->timeout_seconds == 600);
    CHECK(back->cache.key == r.cache.key);

    CHECK_FALSE(run_record_from_json(json{{"kind", "dataset"}}, "x"));
    CHECK_FALSE(run_record_from_json(json{{"kind", "run"}, {"status", "odd"}}, "x"));
    CHECK_FALSE(run_record_from_json(json::array(), "x"));
}

TEST_CASE("train: statuses, version tags and command lines", "[train][record]") {
    for (auto s :
         {RunStatus::succeeded, RunStatus::failed, RunStatus::timeout, RunStatus::interrupted})
        CHECK(parse_status(to_string(s)) == s);
    CHECK_FALSE(parse_status("running"));

    auto v = parse_version_tag("iris-classifier:v12");
    REQUIRE(v);
    CHECK(v->first == "iris-classifier");
    CHECK(v->second == 12);
    CHECK_FALSE(parse_version_tag("iris:latest"));
    CHECK_FALSE(parse_version_tag("iris:v"));
    CHECK_FALSE(parse_version_tag("iris:v1x"));
    CHECK_FALSE(parse_version_tag(""));
}

TEST_CASE("train: best_entry prefers NAME:vN over other tags", "[train][record]") {
    auto d = *hash::Digest::parse("sha256:" + std::string(64, 'e'));
    store::Descriptor desc{store::k_oci_manifest, d, 1, {}, {}, {}};
    std::vector<store::IndexEntry> entries{{desc, "run:latest"}, {desc, "run:v3"}, {desc, ""}};
    auto e = best_entry(entries, d);
    REQUIRE(e);
    CHECK(e->tag == "run:v3");
    CHECK_FALSE(best_entry(entries, *hash::Digest::parse("sha256:" + std::string(64, 'f'))));
}

TEST_CASE("train: default run names come from the script", "[train][run_name]") {
    CHECK(default_run_name({{"/usr/bin/python3", "src/train.py", "data/iris.csv"}, {}}) == "train");
    CHECK(default_run_name({{"python", "-u", "Fit_Model.py"}, {}}) == "fit_model");
    CHECK(default_run_name({{"./train.sh"}, {}}) == "train.sh");
    CHECK(default_run_name({{}, "  Rscript model.R --fast"}) == "model");
    CHECK(default_run_name({{"make", "train"}, {}}) == "make");
    CHECK(default_run_name({{}, ""}) == "run");
}

TEST_CASE("train: the select flag parses METRIC:max or METRIC:min", "[train][select]") {
    auto s = parse_selector("accuracy:max");
    REQUIRE(s);
    CHECK(s->metric == "accuracy");
    CHECK(s->maximise);
    CHECK_FALSE(parse_selector("val.loss:min")->maximise);
    CHECK(parse_selector("f1")->maximise);
    CHECK_FALSE(parse_selector("f1:best"));
    CHECK_FALSE(parse_selector(":max"));
}
