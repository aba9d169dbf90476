#include <catch2/catch.hpp>
#include <mlci/junit/junit.hpp>

using namespace mlci;
using namespace mlci::junit;

namespace {

std::vector<TestSuite> parse_junit_ok(std::string_view text) {
    auto r = parse_junit(text, "report.xml");
    if (!r)
        FAIL(r.error().message);
    return *r;
}

// Written by pytest 7.2 (Debian 12) for a file with a pass, a failure, a
// skip, an xfail, a setup error and a second failure.
const char* k_pytest =
    R"XML(<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="2" skipped="2" tests="6" time="0.051" timestamp="2026-11-27T00:17:14.728842" hostname="vm"><testcase classname="test_s" name="test_ok" time="0.000" /><testcase classname="test_s" name="test_fail" time="0.005"><failure message="AssertionError: one is not two &lt;&amp;&gt;&#10;assert 1 == 2">&gt;   def test_fail(): assert 1 == 2, "one is not two &lt;&amp;&gt;"
E   AssertionError: one is not two &lt;&amp;&gt;
E   assert 1 == 2

test_s.py:3: AssertionError</failure></testcase><testcase classname="test_s" name="test_skip" time="0.000"><skipped type="pytest.skip" message="not today">/tmp/pyj/test_s.py:4: not today</skipped></testcase><testcase classname="test_s" name="test_xfail" time="0.000"><skipped type="pytest.xfail" message="known" /></testcase><testcase classname="test_s" name="test_error" time="0.000"><error message="failed on setup with &quot;RuntimeError: fixture broke&quot;">@pytest.fixture
&gt;   def broken(): raise RuntimeError("fixture broke")
E   RuntimeError: fixture broke

test_s.py:9: RuntimeError</error></testcase><testcase classname="test_s" name="test_out" time="0.000"><failure message="assert 0">&gt;   def test_out(): print("hello \x1b[31mred\x1b[0m"); assert 0
E   assert 0

test_s.py:11: AssertionError</failure></testcase></testsuite></testsuites>)XML";

} // namespace

TEST_CASE("junit: pytest's report", "[junit]") {
    auto suites = parse_junit_ok(k_pytest);
    REQUIRE(suites.size() == 1);
    auto& s = suites[0];
    CHECK(s.name == "pytest");
    CHECK(s.hostname == "vm");
    REQUIRE(s.cases.size() == 6);
    CHECK(s.cases[0].name == "test_ok");
    CHECK(s.cases[0].classname == "test_s");
    CHECK(s.cases[0].status == CaseStatus::passed);
    CHECK(s.cases[1].status == CaseStatus::failed);
    CHECK(s.cases[1].message == "AssertionError: one is not two <&>\nassert 1 == 2");
    CHECK_THAT(s.cases[1].detail, Catch::StartsWith(">   def test_fail()") &&
                                      Catch::EndsWith("test_s.py:3: AssertionError"));
    CHECK(s.cases[2].status == CaseStatus::skipped);
    CHECK(s.cases[2].message == "not today");
    CHECK(s.cases[3].status == CaseStatus::skipped);
    CHECK(s.cases[3].type == "pytest.xfail");
    CHECK(s.cases[4].status == CaseStatus::error);
    CHECK(s.cases[4].message == "failed on setup with \"RuntimeError: fixture broke\"");
    auto c = s.counts();
    CHECK(c.tests == 6);
    CHECK(c.failures == 2);
    CHECK(c.errors == 1);
    CHECK(c.skipped == 2);
    CHECK(c.time == Approx(0.051));
    CHECK_FALSE(c.ok());
}

TEST_CASE("junit: Surefire's root <testsuite>, flaky reruns, output", "[junit]") {
    auto suites = parse_junit_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.acme.FooTest" time="1,234.5" tests="3" errors="0" skipped="0" failures="1">
  <properties><property name="java.version" value="17"/></properties>
  <testcase name="flaky" classname="com.acme.FooTest" time="0.1">
    <flakyFailure message="first try" type="java.lang.AssertionError"><stackTrace>at x</stackTrace></flakyFailure>
    <system-out>retrying</system-out>
  </testcase>
  <testcase name="broken" classname="com.acme.FooTest" time="0.2">
    <failure type="java.lang.AssertionError">expected:&lt;1&gt; but was:&lt;2&gt;
	at com.acme.FooTest.broken(FooTest.java:12)</failure>
    <system-err>boom</system-err>
  </testcase>
  <testcase name="fine" classname="com.acme.FooTest" time="0"/>
</testsuite>)");
    REQUIRE(suites.size() == 1);
    auto& s = suites[0];
    CHECK(s.time == Approx(1234.5));
    REQUIRE(s.cases.size() == 3);
    CHECK(s.cases[0].status == CaseStatus::passed); // passed on a rerun
    CHECK(s.cases[0].system_out == "retrying");
    CHECK(s.cases[1].status == CaseStatus::failed);
    // No message attribute: the first line of the text stands for it.
    CHECK(s.cases[1].message == "expected:<1> but was:<2>");
    CHECK(s.cases[1].type == "java.lang.AssertionError");
    CHECK(s.cases[1].system_err == "boom");
    CHECK(s.counts().failures == 1);
}

TEST_CASE("junit: nested suites are flattened, loose cases kept", "[junit]") {
    auto suites = parse_junit_ok(R"(<testsuites name="all">
  <testsuite name="outer">
    <testsuite name="inner1"><testcase name="a"/></testsuite>
    <testsuite name="inner2"><testcase name="b"><error message="e"/></testcase></testsuite>
  </testsuite>
  <testcase name="loose" status="skipped"/>
  <ns:testsuite name="prefixed"><ns:testcase name="c" result="fail"/></ns:testsuite>
</testsuites>)");
    REQUIRE(suites.size() == 4);
    CHECK(suites[0].name == "inner1");
    CHECK(suites[1].name == "inner2");
    CHECK(suites[1].cases[0].status == CaseStatus::error);
    CHECK(suites[2].name == "prefixed");
    CHECK(suites[2].cases[0].status == CaseStatus::failed);
    CHECK(suites[3].name == "all");
    CHECK(suites[3].cases[0].status == CaseStatus::skipped);
}

TEST_CASE("junit: an empty report has an empty suite", "[junit]") {
    auto suites =
        parse_junit_ok(R"(<testsuites><testsuite name="pytest" tests="0"/></testsuites>)");
    REQUIRE(suites.size() == 1);
    CHECK(suites[0].counts().tests == 0);
    CHECK(suites[0].counts().ok());
    CHECK(parse_junit_ok("<testsuites/>").empty());
}

TEST_CASE("junit: other documents are refused with what is wrong", "[junit]") {
    auto r = parse_junit("<html><body/></html>", "r.xml");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK_THAT(r.error().message,
               Catch::Contains("'r.xml' is not a JUnit report") && Catch::Contains("<html>"));
    auto broken = parse_junit("<testsuites>\n<testsuite>", "r.xml");
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::Contains("'r.xml' at line 2"));
}
