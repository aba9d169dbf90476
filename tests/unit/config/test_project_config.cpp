#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <mlci/config/project_config.hpp>

using namespace mlci;
using namespace mlci::config;

TEST_CASE("mlci.yaml: the example's sections parse", "[config]") {
    auto cfg = parse_project_config(R"(
datasets:
  iris:
    path: data/iris.csv
    schema:
      columns:
        species: {type: string, allowed: [a, b]}
        x: {type: number, min: 0, max: 1.5, nullable: false}
      rows: {min: 10}
      unique: [id]
params: params.yaml
train:
  command: [python3, train.py]
  inputs: [iris]
  outputs: [model.pkl]
  metrics: metrics.json
  timeout: 60
test:
  suites:
    unit: {command: pytest -q, junit: r.xml}
  data: [iris]
validate:
  require: ["accuracy >= 0.9"]
  max_regression: {accuracy: 0.02}
)",
                                    "mlci.yaml");
    REQUIRE(cfg);
    REQUIRE(cfg->dataset("iris"));
    auto& schema = *cfg->dataset("iris")->schema;
    CHECK(schema.columns.at("x").max == 1.5);
    CHECK(schema.columns.at("species").allowed.size() == 2);
    CHECK(schema.rows_min == 10u);
    CHECK(cfg->params_file == "params.yaml");
    CHECK(cfg->train->command.argv == std::vector<std::string>{"python3", "train.py"});
    CHECK(cfg->train->timeout_seconds == 60);
    CHECK(cfg->test->suites[0].command.shell == "pytest -q");
    CHECK(cfg->validate->max_regression.at("accuracy") == 0.02);
}

TEST_CASE("mlci.yaml: unknown keys and wrong types name file, line and key", "[config]") {
    auto unknown = parse_project_config("train:\n  command: [a]\n  outptus: [x]\n", "mlci.yaml");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == Exit::usage);
    CHECK(unknown.error().message.find("mlci.yaml:3") != std::string::npos);
    CHECK(unknown.error().message.find("train.outptus") != std::string::npos);

    auto wrong = parse_project_config("train:\n  timeout: soon\n", "p/mlci.yaml");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().message.find("p/mlci.yaml:2") != std::string::npos);
    CHECK(wrong.error().message.find("train.timeout") != std::string::npos);

    auto type = parse_project_config(
        "datasets:\n  d:\n    path: x\n    schema:\n      columns:\n        c: {type: float}\n",
        "mlci.yaml");
    REQUIRE_FALSE(type);
    CHECK(type.error().message.find("mlci.yaml:6") != std::string::npos);

    auto syntax = parse_project_config("train: [unclosed\n", "mlci.yaml");
    REQUIRE_FALSE(syntax);
    CHECK(syntax.error().message.find("malformed YAML") != std::string::npos);
}

TEST_CASE("mlci.yaml: gc.keep_last is a whole number of versions", "[config]") {
    auto ok = parse_project_config("gc:\n  keep_last: 3\n", "mlci.yaml");
    REQUIRE(ok);
    CHECK(ok->gc.keep_last == 3u);
    auto none = parse_project_config("train:\n  command: [a]\n", "mlci.yaml");
    REQUIRE(none);
    CHECK_FALSE(none->gc.keep_last);
    for (auto* bad : {"gc:\n  keep_last: 0\n", "gc:\n  keep_last: 2.5\n", "gc:\n  keep: 2\n"}) {
        auto r = parse_project_config(bad, "mlci.yaml");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        CHECK(r.error().message.find("mlci.yaml:2") != std::string::npos);
    }
}

TEST_CASE("mlci.yaml: one reader for every step's section", "[config]") {
    auto cfg = parse_project_config(R"(
package:
  base: scratch
  entrypoint: [python3, /app/serve.py]
environments:
  staging: {target: "dir:/srv/iris", health_retries: 3}
  production: {target: "podman:iris:8080"}
watch:
  baseline: iris-image:latest
  on_alert: notify.sh --team ml
)",
                                    "mlci.yaml");
    REQUIRE(cfg);
    REQUIRE(cfg->package);
    CHECK(cfg->package->base == "scratch");
    CHECK(cfg->package->entrypoint == std::vector<std::string>{"python3", "/app/serve.py"});
    REQUIRE(cfg->environments.size() == 2);
    CHECK(cfg->environments[0].name == "staging");
    CHECK(cfg->environments[0].health_retries == 3u);
    CHECK(cfg->environments[1].target == "podman:iris:8080");
    REQUIRE(cfg->watch);
    CHECK(cfg->watch->baseline == "iris-image:latest");
    CHECK(cfg->watch->on_alert.shell == "notify.sh --team ml");

    auto none = parse_project_config("train: {command: [a]}\n", "mlci.yaml");
    REQUIRE(none);
    CHECK_FALSE(none->package);
    CHECK(none->environments.empty());
    CHECK_FALSE(none->watch);
}

TEST_CASE("mlci.yaml: keys that nothing reads are refused, not ignored", "[config]") {
    for (const char* key : {"project", "registries", "monitors"}) {
        auto r =
            parse_project_config(fmt::format("train: {{command: [a]}}\n{}: x\n", key), "mlci.yaml");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        CHECK(r.error().message.find("mlci.yaml:2") != std::string::npos);
        CHECK(r.error().message.find(key) != std::string::npos);
    }
    // A section's error names it as any other: watch's command is train's.
    auto empty = parse_project_config("watch:\n  on_alert: []\n", "mlci.yaml");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message.find("watch.on_alert") != std::string::npos);
    CHECK(empty.error().message.find("empty") != std::string::npos);
}
