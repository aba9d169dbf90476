#include "data_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/test/test.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

const char* k_test_run_config = R"(
datasets:
  iris:
    path: data/iris.csv
    schema:
      rows: {min: 50}
    reference: iris:v1
test:
  suites:
    unit: {command: "printf '<testsuite name=\"x\"><testcase name=\"t\"/></testsuite>' > \"$MLCI_JUNIT\"", junit: reports/unit.xml}
  data: [iris]
)";

struct TestRunFixture {
    testing::Project p;
    config::ProjectConfig config =
        *config::parse_project_config(k_test_run_config, p.dir / "mlci.yaml");
    store::IndexEntry v1, v2;

    TestRunFixture() {
        p.write("data/iris.csv", testing::measurements(100));
        v1 = p.add("data/iris.csv", "iris");
    }
    TestRun run(const TestOptions& o = {}) {
        std::istringstream in;
        auto plan = plan_tests(p.store, config, o, in);
        REQUIRE(plan);
        auto r = run_tests(p.store, *plan, {});
        if (!r)
            FAIL(r.error().message);
        return *r;
    }
};

} // namespace

TEST_CASE("test/test: suites and data checks in one report", "[test][testrun]") {
    TestRunFixture f;
    auto run = f.run();
    CHECK(run.passed());
    auto junit = run.junit();
    REQUIRE(junit.size() == 2);
    CHECK(junit[0].name == "unit");
    CHECK(junit[1].name == "data: iris");
    auto c = run.counts();
    CHECK(c.tests == 1 + junit[1].cases.size());
    CHECK(c.ok());
}

TEST_CASE("test/test: the stored artifact", "[test][testrun]") {
    TestRunFixture f;
    f.p.write("data/iris.csv", testing::measurements(30, 3.0, 5)); // too few rows, and drifted
    auto v2 = f.p.add("data/iris.csv", "iris");
    auto run = f.run();
    CHECK_FALSE(run.passed());
    auto desc = store_test_report(f.p.store, run, {});
    REQUIRE(desc);
    CHECK(desc->artifact_type == store::k_type_test_report);

    auto m = *f.p.store.read_manifest(desc->digest);
    REQUIRE(m.subject);
    CHECK(m.subject->digest == v2.descriptor.digest);
    CHECK(m.subject->artifact_type == store::k_type_dataset);
    CHECK(m.subject->annotations.empty());
    CHECK(m.annotations.at(k_ann_verdict) == "failed");
    CHECK(m.annotations.at("dev.mlci.lineage.tested") == v2.descriptor.digest.str());
    CHECK(m.annotations.at("dev.mlci.lineage.reference") == f.v1.descriptor.digest.str());
    CHECK(m.annotations.at(store::k_ann_name) == "iris:v2");
    // Lineage edges: gc keeps what was tested and the drift reference.
    auto lineage = store::lineage_digests(m.annotations);
    CHECK(lineage.size() == 2);

    std::vector<std::string> titles;
    titles.reserve(m.layers.size());
    for (auto& l : m.layers)
        titles.push_back(l.annotations.at("org.opencontainers.image.title"));
    CHECK(titles == std::vector<std::string>{"junit.xml", "logs/unit.log", "reports/unit.xml"});
    auto xml = *f.p.store.read_blob(m.layers[0].digest);
    auto suites = junit::parse_junit(xml, "junit.xml");
    REQUIRE(suites);
    CHECK(suites->size() == 2);

    auto record = nlohmann::json::parse(*f.p.store.read_blob(m.config.digest));
    CHECK(record["kind"] == "test-report");
    CHECK(record["verdict"] == "failed");
    CHECK(record["subject"]["reference"] == "iris:v2");
    CHECK(record["subject"]["kind"] == "dataset");
    CHECK(record["suites"][0]["name"] == "unit");
    CHECK(record["suites"][0]["exit_status"] == 0);
    CHECK(record["suites"][0]["junit"] == "reports/unit.xml");
    auto& data = record["data"][0];
    CHECK(data["dataset"] == "iris");
    CHECK(data["reference"] == "iris:v2");
    CHECK(data["drift"]["reference"] == "iris:v1");
    CHECK(data["passed"] == false);
    std::vector<std::string> failed;
    for (auto& check : data["files"][0]["checks"])
        if (check["outcome"] == "failed")
            failed.push_back(check.value("column", "") + ":" + check["check"].get<std::string>());
    CHECK(failed == std::vector<std::string>{":rows", "sepal_length:drift"});

    auto entries = *f.p.store.entries();
    CHECK(std::any_of(entries.begin(), entries.end(), [&](auto& e) {
        return e.descriptor.digest == desc->digest && e.tag.empty();
    }));
}

TEST_CASE("test/test: tagged reports, and reports of suites alone", "[test][testrun]") {
    TestRunFixture f;
    TestOptions o;
    o.no_data = true;
    auto run = f.run(o);
    CHECK_FALSE(run.subject);
    auto desc = store_test_report(f.p.store, run, {"ci:nightly"});
    REQUIRE(desc);
    auto m = *f.p.store.read_manifest(desc->digest);
    CHECK_FALSE(m.subject);
    CHECK_FALSE(m.annotations.contains("dev.mlci.lineage.tested"));
    CHECK(f.p.entry("ci:nightly").descriptor.digest == desc->digest);
    CHECK_FALSE(store_test_report(f.p.store, run, {"bad tag!"}));
}

TEST_CASE("test/test: the --json document is the record and where the report went",
          "[test][testrun]") {
    TestRunFixture f;
    auto run = f.run();
    auto desc = store_test_report(f.p.store, run, {});
    REQUIRE(desc);
    auto j = result_json(run, f.p.store, "iris-checks:v1", desc->digest, "reports/mlci.xml");
    CHECK(j["reference"] == "iris-checks:v1");
    CHECK(j["digest"] == desc->digest.str());
    CHECK(j["junit_file"] == "reports/mlci.xml");
    CHECK(j["kind"] == "test-report");
    CHECK(j["verdict"] == "passed");
    CHECK(j["subject"]["reference"] == "iris:v1");
    CHECK(j["subject"]["kind"] == "dataset");
    CHECK(j["suites"][0]["name"] == "unit");
    CHECK(j["data"][0]["dataset"] == "iris");
    // Without --junit there is no junit_file, not an empty one.
    auto plain = result_json(run, f.p.store, desc->digest.str(), desc->digest, "");
    CHECK_FALSE(plain.contains("junit_file"));
    CHECK(plain["reference"] == desc->digest.str());
    plain.erase("reference");
    plain.erase("digest");
    CHECK(plain == to_json(run, &f.p.store));
}
