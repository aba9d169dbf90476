#include <catch2/catch.hpp>
#include <mlci/test/result.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

DatasetCheck sample() {
    DatasetCheck d;
    d.label = "iris";
    d.name = "iris";
    d.reference = "iris:v2";
    FileCheck f;
    f.path = "data/iris.csv";
    f.rows = 75;
    f.checks.push_back(
        {"rows", "", Outcome::failed, "75 rows, outside [100, inf]", 1, {}, nullptr});
    f.checks.push_back(
        {"range",
         "sepal_length",
         Outcome::failed,
         "2 values outside [4, 8]",
         2,
         {"line 2: 9.1 is above the maximum 8", "line 3: 8.5 is above the maximum 8"},
         nullptr});
    f.checks.push_back(
        {"type", "species", Outcome::passed, "every value is string", 0, {}, nullptr});
    f.checks.push_back({"drift", "", Outcome::skipped, "no profile \xFF", 0, {}, nullptr});
    d.files.push_back(f);
    return d;
}

} // namespace

TEST_CASE("test/result: a JUnit case per check", "[test][result]") {
    auto d = sample();
    CHECK_FALSE(d.passed());
    CHECK(d.failures() == 2);
    auto s = to_suite(d);
    CHECK(s.name == "data: iris");
    REQUIRE(s.cases.size() == 4);
    CHECK(s.cases[0].name == "rows");
    CHECK(s.cases[0].classname == "data.iris");
    CHECK(s.cases[0].file == "data/iris.csv");
    CHECK(s.cases[0].status == junit::CaseStatus::failed);
    CHECK(s.cases[0].type == "mlci.data.rows");
    CHECK(s.cases[1].name == "sepal_length: range");
    CHECK(s.cases[1].detail ==
          "line 2: 9.1 is above the maximum 8\nline 3: 8.5 is above the maximum 8\n");
    CHECK(s.cases[2].status == junit::CaseStatus::passed);
    CHECK(s.cases[2].system_out == "every value is string");
    CHECK(s.cases[3].status == junit::CaseStatus::skipped);
    auto c = s.counts();
    CHECK(c.failures == 2);
    CHECK(c.skipped == 1);
}

TEST_CASE("test/result: an empty check still shows up in CI", "[test][result]") {
    DatasetCheck d;
    d.name = "docs";
    d.notes = {"'docs:v1' holds no CSV table to check"};
    auto s = to_suite(d);
    REQUIRE(s.cases.size() == 1);
    CHECK(s.cases[0].status == junit::CaseStatus::skipped);
    CHECK(s.cases[0].message == d.notes[0]);
}

TEST_CASE("test/result: JSON is valid UTF-8 whatever the data held", "[test][result]") {
    auto j = to_json(sample());
    CHECK(j["passed"] == false);
    CHECK(j["files"][0]["rows"] == 75);
    CHECK(j["files"][0]["checks"][1]["column"] == "sepal_length");
    CHECK(j["files"][0]["checks"][1]["examples"].size() == 2);
    CHECK_FALSE(j["files"][0]["checks"][0].contains("column"));
    CHECK_NOTHROW(j.dump());
    CHECK(j["schema"].is_null());
    CHECK_FALSE(j.contains("drift"));
}
