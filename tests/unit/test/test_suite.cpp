#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/test/suite.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

const char* k_passing =
    R"(<testsuites><testsuite name="pytest"><testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite></testsuites>)";
const char* k_failing =
    R"(<testsuites><testsuite name="pytest"><testcase classname="t" name="a"/><testcase classname="t" name="b"><failure message="boom">trace</failure></testcase></testsuite></testsuites>)";

struct SuiteFixture {
    testing::TempDir dir;

    SuiteSpec spec(std::string shell, std::string junit = "reports/unit.xml") {
        SuiteSpec s;
        s.name = "unit";
        s.command.shell = std::move(shell);
        s.junit = std::move(junit);
        s.cwd = dir.path();
        s.scratch = dir.path();
        return s;
    }
    // A shell command that writes `xml` to $MLCI_JUNIT, then exits `code`.
    std::string writes(const char* xml, int code = 0) {
        std::ofstream(dir / "fixture.xml") << xml;
        return fmt::format("echo running; cp fixture.xml \"$MLCI_JUNIT\"; exit {}", code);
    }
    SuiteRun run(const SuiteSpec& s) {
        auto r = run_suite(s, {});
        if (!r)
            FAIL(r.error().message);
        return *r;
    }
};

const junit::TestCase& last_case(const SuiteRun& r) {
    return r.suites.front().cases.back();
}

} // namespace

TEST_CASE("test/suite: a passing suite, its output and its report", "[test][suite]") {
    SuiteFixture f;
    std::string seen;
    auto r = run_suite(f.spec(f.writes(k_passing)), [&](std::string_view s) { seen += s; });
    REQUIRE(r);
    CHECK(r->passed());
    CHECK(r->exit_code == 0);
    CHECK(r->junit == "reports/unit.xml");
    CHECK(r->log == "running\n");
    CHECK(seen == "running\n");
    CHECK(r->junit_text == k_passing);
    REQUIRE(r->suites.size() == 1);
    CHECK(r->suites[0].name == "unit"); // "pytest" says less than the suite's name
    CHECK(r->counts().tests == 2);
    CHECK(std::filesystem::exists(f.dir / "reports/unit.xml"));
}

TEST_CASE("test/suite: failing cases fail the suite", "[test][suite]") {
    SuiteFixture f;
    auto r = f.run(f.spec(f.writes(k_failing, 1)));
    CHECK_FALSE(r.passed());
    CHECK(r.counts().failures == 1);
    CHECK(r.counts().tests == 2); // nothing added: the report explains the exit status
    CHECK(last_case(r).message == "boom");
}

TEST_CASE("test/suite: a non-zero exit with nothing failing is an error", "[test][suite]") {
    SuiteFixture f;
    auto r = f.run(f.spec(f.writes(k_passing, 2) + " # collection error"));
    CHECK_FALSE(r.passed());
    CHECK(r.counts().errors == 1);
    CHECK(last_case(r).name == "exit status");
    CHECK(last_case(r).message == "the command exited with status 2");
    CHECK(last_case(r).detail == "running");
}

TEST_CASE("test/suite: a missing or malformed report is an error", "[test][suite]") {
    SuiteFixture f;
    // A report left by an earlier run is removed first, never read as this one's.
    std::filesystem::create_directories(f.dir / "reports");
    std::ofstream(f.dir / "reports/unit.xml") << k_passing;
    auto missing = f.run(f.spec("echo no report"));
    CHECK_FALSE(missing.passed());
    CHECK(
        last_case(missing).message ==
        "the suite did not write its report 'reports/unit.xml' (the command exited with status 0)");

    auto malformed = f.run(f.spec(f.writes("<testsuites><testsuite>")));
    CHECK_FALSE(malformed.passed());
    CHECK_THAT(last_case(malformed).message,
               Catch::Contains("malformed XML in 'reports/unit.xml'"));
    CHECK(malformed.junit_text == "<testsuites><testsuite>");
}

TEST_CASE("test/suite: without a report the exit status decides", "[test][suite]") {
    SuiteFixture f;
    auto ok = f.run(f.spec("true", ""));
    CHECK(ok.passed());
    REQUIRE(ok.suites.size() == 1);
    CHECK(ok.suites[0].cases.size() == 1);
    CHECK(ok.suites[0].cases[0].name == "unit");
    auto bad = f.run(f.spec("echo oops >&2; exit 3", ""));
    CHECK_FALSE(bad.passed());
    CHECK(bad.counts().failures == 1);
    CHECK(last_case(bad).message == "the command exited with status 3");
    CHECK(last_case(bad).detail == "oops");
    // ...unless the command writes one to $MLCI_JUNIT.
    auto written = f.run(f.spec(f.writes(k_failing, 1), ""));
    CHECK(written.counts().tests == 2);
    CHECK(written.counts().failures == 1);
    CHECK(written.junit.empty());
    CHECK_FALSE(written.junit_text.empty());
}

TEST_CASE("test/suite: a suite that runs too long is stopped", "[test][suite]") {
    SuiteFixture f;
    auto s = f.spec("sleep 20", "");
    s.timeout = std::chrono::milliseconds(200);
    s.command.shell = "exec sleep 20";
    auto r = f.run(s);
    CHECK(r.timed_out);
    CHECK_FALSE(r.passed());
    CHECK(r.seconds < 10);
    CHECK(r.counts().tests == 1);
    CHECK_THAT(last_case(r).message, Catch::StartsWith("the command timed out after 200 ms"));
    // With a report declared, the timeout is a case of its own.
    auto declared = f.spec("exec sleep 20");
    declared.timeout = std::chrono::milliseconds(200);
    auto d = f.run(declared);
    CHECK(d.timed_out);
    CHECK(last_case(d).name == "timeout");
}

TEST_CASE("test/suite: a command that cannot run is an environment error", "[test][suite]") {
    SuiteFixture f;
    SuiteSpec s = f.spec("");
    s.command.shell.clear();
    s.command.argv = {"mlci-no-such-program-xyz", "-q"};
    auto pre = check_runnable(s);
    REQUIRE_FALSE(pre);
    CHECK(pre.error().code == Exit::runtime);
    CHECK_THAT(pre.error().message, Catch::StartsWith("cannot run suite 'unit': command "
                                                      "'mlci-no-such-program-xyz' not found"));
    auto ran = run_suite(s, {});
    REQUIRE_FALSE(ran);
    CHECK(ran.error().code == Exit::runtime);

    // A shell that cannot find the command says so with status 127.
    auto shell = run_suite(f.spec("mlci-no-such-program-xyz --junitxml=x.xml"), {});
    REQUIRE_FALSE(shell);
    CHECK(shell.error().code == Exit::runtime);
    CHECK_THAT(shell.error().message,
               Catch::StartsWith("cannot run suite 'unit': /bin/sh could not find its command "
                                 "(status 127): ") &&
                   Catch::Contains("mlci-no-such-program-xyz"));

    CHECK(check_runnable(f.spec("anything at all")));
    auto nowhere = f.spec("true");
    nowhere.cwd = f.dir / "missing";
    CHECK_THAT(check_runnable(nowhere).error().message, Catch::Contains("does not exist"));
}

TEST_CASE("test/suite: pytest is given a JUnit report, other commands are not", "[test][suite]") {
    config::CommandSpec module{{"/usr/bin/python3", "-m", "pytest", "-q"}, ""};
    CHECK(with_junit_report(module, "/r.xml").argv.back() == "--junitxml=/r.xml");
    config::CommandSpec program{{"/usr/bin/pytest", "tests"}, ""};
    CHECK(with_junit_report(program, "/r.xml").argv.size() == 3);
    config::CommandSpec theirs{{"pytest", "--junitxml=mine.xml"}, ""};
    CHECK(with_junit_report(theirs, "/r.xml").argv == theirs.argv);
    config::CommandSpec line{{}, "PYTHONPATH=src pytest -q tests"};
    CHECK(with_junit_report(line, "/r.xml").shell ==
          "PYTHONPATH=src pytest -q tests --junitxml=\"$MLCI_JUNIT\"");
    // Only the shell knows what a line with operators runs: left as it is.
    config::CommandSpec list{{}, "pytest -q && echo done"};
    CHECK(with_junit_report(list, "/r.xml").shell == list.shell);
    config::CommandSpec other{{"make", "test"}, ""};
    CHECK(with_junit_report(other, "/r.xml").argv == other.argv);

    CHECK(suite_name(module) == "pytest");
    CHECK(suite_name(program) == "pytest");
    CHECK(suite_name(line) == "pytest");
    CHECK(suite_name(other) == "make");
    CHECK(suite_name(list) == "command");
}

TEST_CASE("test/suite: a suite without a report is one test, and says so", "[test][suite]") {
    SuiteFixture f;
    auto passed = f.run(f.spec("true", ""));
    CHECK(passed.no_report);
    CHECK(passed.counts().tests == 1);
    auto written = f.run(f.spec(f.writes(k_passing), ""));
    CHECK_FALSE(written.no_report);
    CHECK(written.counts().tests == 2);
}
