#include "data_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/test/test.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

const char* k_config = R"(
datasets:
  iris:
    path: data/iris.csv
    schema:
      columns:
        species: {allowed: [setosa, versicolor, virginica]}
    reference: iris:v1
    max_drift: 0.3
  unversioned:
    path: data/other.csv
test:
  suites:
    unit: {command: [/bin/true], junit: reports/unit.xml}
    lint: {command: "exit 0"}
  data: [iris]
)";

struct PlanFixture {
    testing::Project p;
    config::ProjectConfig config;
    store::IndexEntry v1, v2;

    explicit PlanFixture(const char* yaml = k_config) {
        auto c = config::parse_project_config(yaml, p.dir / "mlci.yaml");
        REQUIRE(c);
        config = *c;
        p.write("data/iris.csv", testing::measurements(100));
        v1 = p.add("data/iris.csv", "iris");
        p.write("data/iris.csv", testing::measurements(100, 0.1, 3));
        v2 = p.add("data/iris.csv", "iris");
    }
    Result<TestPlan> plan(const TestOptions& o) {
        std::istringstream in;
        return plan_tests(p.store, config, o, in);
    }
    TestPlan plan_ok(const TestOptions& o) {
        auto r = plan(o);
        if (!r)
            FAIL(r.error().message);
        return *r;
    }
    std::string plan_error(const TestOptions& o, Exit code = Exit::usage) {
        auto r = plan(o);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == code);
        return r.error().message;
    }
};

} // namespace

TEST_CASE("test/plan: mlci.yaml decides by default", "[test][plan]") {
    PlanFixture f;
    auto plan = f.plan_ok({});
    REQUIRE(plan.suites.size() == 2);
    CHECK(plan.suites[0].name == "unit");
    CHECK(plan.suites[0].junit == "reports/unit.xml");
    CHECK(plan.suites[0].cwd == f.p.dir.path());
    CHECK(plan.suites[1].command.shell == "exit 0");
    REQUIRE(plan.data.size() == 1);
    auto& d = plan.data[0];
    CHECK(d.entry.descriptor.digest == f.v2.descriptor.digest);
    CHECK(d.entry.tag == "iris:v2"); // the version, not the moving "latest"
    REQUIRE(d.schema);
    CHECK(d.schema->columns.count("species") == 1);
    CHECK_THAT(d.schema_source, Catch::EndsWith("mlci.yaml: datasets.iris.schema"));
    REQUIRE(d.reference);
    CHECK(d.reference->descriptor.digest == f.v1.descriptor.digest);
    CHECK(d.max_drift == 0.3);
    REQUIRE(plan.subject);
    CHECK(plan.subject->descriptor.digest == f.v2.descriptor.digest);
    CHECK(plan.tested.size() == 1);
}

TEST_CASE("test/plan: flags replace mlci.yaml", "[test][plan]") {
    PlanFixture f;
    f.p.write("schema.yaml", "columns:\n  x: {type: int}\n");
    TestOptions o;
    o.suites = {"lint", "smoke=echo hi"};
    o.data = {"iris:v1"};
    o.schema_file = (f.p.dir / "schema.yaml").string();
    o.reference = "iris:v2";
    o.max_drift = 0.05;
    auto plan = f.plan_ok(o);
    REQUIRE(plan.suites.size() == 2);
    CHECK(plan.suites[0].name == "lint");
    CHECK(plan.suites[1].name == "smoke");
    CHECK(plan.suites[1].command.shell == "echo hi");
    CHECK(plan.suites[1].junit.empty());
    REQUIRE(plan.data.size() == 1);
    CHECK(plan.data[0].entry.descriptor.digest == f.v1.descriptor.digest);
    CHECK(plan.data[0].schema->columns.count("x") == 1);
    CHECK(plan.data[0].schema_source == o.schema_file);
    CHECK(plan.data[0].reference->descriptor.digest == f.v2.descriptor.digest);
    CHECK(plan.data[0].max_drift == 0.05);

    TestOptions none;
    none.no_suites = true;
    none.no_data = true;
    CHECK_THAT(f.plan_error(none), Catch::Contains("nothing to test"));
}

TEST_CASE("test/plan: REF is the subject; a dataset REF is what is checked", "[test][plan]") {
    PlanFixture f;
    TestOptions o;
    o.ref = "iris:v1";
    o.no_suites = true;
    auto plan = f.plan_ok(o);
    REQUIRE(plan.data.size() == 1); // not also test.data's iris:latest
    CHECK(plan.data[0].entry.descriptor.digest == f.v1.descriptor.digest);
    CHECK(plan.subject->tag == "iris:v1");

    // A run under test: subject, with the data of mlci.yaml checked.
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *f.p.store.put_blob("{}", "application/json");
    REQUIRE(f.p.store.add_to_index(*f.p.store.put_manifest(m), {"model:v1"}));
    o.ref = "model:v1";
    auto run_plan = f.plan_ok(o);
    CHECK(run_plan.subject->tag == "model:v1");
    REQUIRE(run_plan.data.size() == 1);
    CHECK(run_plan.data[0].entry.tag == "iris:v2");
    CHECK(run_plan.tested.size() == 2);
}

TEST_CASE("test/plan: unknown names are usage errors that say what exists", "[test][plan]") {
    PlanFixture f;
    TestOptions suite;
    suite.suites = {"integration"};
    CHECK_THAT(f.plan_error(suite), Catch::Contains("unknown suite 'integration'") &&
                                        Catch::Contains("declares: unit, lint"));
    TestOptions data;
    data.data = {"nope"};
    CHECK_THAT(f.plan_error(data), Catch::Contains("unknown dataset 'nope'"));
    data.data = {"unversioned"};
    CHECK_THAT(f.plan_error(data), Catch::Contains("has no version in the store") &&
                                       Catch::Contains("mlci data-version add data/other.csv"));
    data.data = {"iris:v9"};
    CHECK_THAT(f.plan_error(data), Catch::Contains("iris:v9"));
    TestOptions bad_suite;
    bad_suite.suites = {"=echo"};
    CHECK_THAT(f.plan_error(bad_suite), Catch::Contains("expected NAME, or NAME=COMMAND"));
}

TEST_CASE("test/plan: a malformed schema file names file and line", "[test][plan]") {
    PlanFixture f;
    auto schema = f.p.write("schema.yaml", "columns:\n  x:\n    type: integer\n");
    TestOptions o;
    o.no_suites = true;
    o.schema_file = schema.string();
    CHECK_THAT(f.plan_error(o), Catch::Contains("schema.yaml:3") && Catch::Contains("integer"));
    f.p.write("schema.yaml", "columns: [\n");
    CHECK_THAT(f.plan_error(o),
               Catch::Contains("schema.yaml:") && Catch::Contains("malformed YAML"));
}

TEST_CASE("test/plan: a reference that is not a dataset", "[test][plan]") {
    PlanFixture f;
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *f.p.store.put_blob("{}", "application/json");
    REQUIRE(f.p.store.add_to_index(*f.p.store.put_manifest(m), {"model:v1"}));
    TestOptions o;
    o.reference = "model:v1";
    CHECK_THAT(f.plan_error(o), Catch::Contains("'model:v1' is not a dataset"));
}

TEST_CASE("test/plan: a suite whose program is missing fails before anything runs",
          "[test][plan]") {
    PlanFixture f(R"(
test:
  suites:
    unit: {command: [mlci-missing-test-runner]}
)");
    CHECK_THAT(f.plan_error({}, Exit::runtime),
               Catch::Contains("cannot run suite 'unit'") &&
                   Catch::Contains("'mlci-missing-test-runner' not found"));
}
