#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <mlci/junit/junit.hpp>

using namespace mlci;
using namespace mlci::junit;

namespace {

std::vector<TestSuite> sample() {
    TestSuite unit;
    unit.name = "unit";
    unit.timestamp = "2026-11-26T22:49:00Z";
    TestCase ok;
    ok.name = "test_ok";
    ok.classname = "tests.test_a";
    ok.time = 0.25;
    TestCase bad = ok;
    bad.name = "test \"quoted\" <bad> & more";
    bad.status = CaseStatus::failed;
    bad.message = "assert 1 == 2\nsecond line";
    bad.type = "AssertionError";
    bad.detail = "Traceback:\n  \x1b[31mred\x1b[0m \x01 \xFF ]]> end";
    bad.file = "tests/test_a.py";
    TestCase err = ok;
    err.name = "test_err";
    err.status = CaseStatus::error;
    err.message = "setup failed";
    TestCase skip = ok;
    skip.name = "test_skip";
    skip.status = CaseStatus::skipped;
    skip.message = "not today";
    skip.system_out = "printed";
    unit.cases = {ok, bad, err, skip};
    TestSuite data;
    data.name = "data: iris";
    TestCase check;
    check.name = "rows";
    check.classname = "data.iris";
    data.cases = {check};
    return {unit, data};
}

} // namespace

TEST_CASE("junit: written reports read back the same", "[junit]") {
    auto suites = sample();
    auto xml = write_junit(suites, "mlci test");
    auto back = parse_junit(xml, "written");
    REQUIRE(back);
    REQUIRE(back->size() == 2);
    auto& unit = (*back)[0];
    CHECK(unit.name == "unit");
    CHECK(unit.timestamp == "2026-11-26T22:49:00Z");
    REQUIRE(unit.cases.size() == 4);
    CHECK(unit.cases[1].name == suites[0].cases[1].name);
    CHECK(unit.cases[1].message == "assert 1 == 2\nsecond line");
    CHECK(unit.cases[1].type == "AssertionError");
    CHECK(unit.cases[1].file == "tests/test_a.py");
    // Colour codes are gone; what XML cannot hold is U+FFFD.
    CHECK(unit.cases[1].detail == "Traceback:\n  red \xEF\xBF\xBD \xEF\xBF\xBD ]]> end");
    CHECK(unit.cases[2].status == CaseStatus::error);
    CHECK(unit.cases[3].status == CaseStatus::skipped);
    CHECK(unit.cases[3].system_out == "printed");
    CHECK(unit.cases[0].time == Approx(0.25));
    auto c = unit.counts();
    CHECK(c.tests == 4);
    CHECK(c.failures == 1);
    CHECK(c.errors == 1);
    CHECK(c.skipped == 1);
}

TEST_CASE("junit: counts are on every suite and on the root", "[junit]") {
    auto xml = write_junit(sample(), "mlci test");
    CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
                                      "name=\"mlci test\" tests=\"5\" failures=\"1\" errors=\"1\" "
                                      "skipped=\"1\" time=\"1.000\">"));
    CHECK_THAT(xml, Catch::Contains("<testsuite name=\"unit\" id=\"0\" tests=\"4\" failures=\"1\" "
                                    "errors=\"1\" skipped=\"1\" time=\"1.000\""));
    CHECK_THAT(xml, Catch::Contains("<testsuite name=\"data: iris\" id=\"1\" tests=\"1\""));
}

TEST_CASE("junit: xmllint accepts what is written", "[junit]") {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
        WARN("xmllint (libxml2-utils) is not installed: not checked");
        return;
    }
    mlci::testing::TempDir dir;
    auto file = dir / "report.xml";
    std::ofstream(file) << write_junit(sample(), "mlci test");
    auto cmd = "xmllint --noout '" + file.string() + "'";
    CHECK(std::system(cmd.c_str()) == 0);
    std::ofstream(file) << write_junit({}, "empty");
    CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("junit: JSON keeps statuses and cleans text", "[junit]") {
    auto j = to_json(sample()[0]);
    CHECK(j["tests"] == 4);
    CHECK(j["failures"] == 1);
    CHECK(j["cases"][1]["status"] == "failed");
    CHECK(j["cases"][1]["detail"].get<std::string>().find('\xFF') == std::string::npos);
    CHECK_NOTHROW(j.dump());
    CHECK_FALSE(j["cases"][0].contains("message"));
}
