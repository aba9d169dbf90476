// JUnit XML, the test-report format every CI server reads: a tolerant
// parser for what test runners write (pytest, Maven Surefire, Gradle, Jest,
// ctest, go-junit-report) and a writer whose output GitLab's and Jenkins'
// test-report widgets show.
#pragma once

#include <cstdint>
#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::junit {

enum class CaseStatus { passed, failed, error, skipped };

// "passed", "failed", "error", "skipped"
std::string_view to_string(CaseStatus s);

struct TestCase {
    std::string name;
    std::string classname; // the group a case belongs to (pytest: the module)
    std::string file;      // optional
    double time = 0;       // seconds
    CaseStatus status = CaseStatus::passed;
    std::string message; // one line: why it failed, errored or was skipped
    std::string type;    // the failure's type (an exception class), optional
    std::string detail;  // the long text: a traceback, examples of bad values
    std::string system_out;
    std::string system_err;
};

struct Counts {
    uint64_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    bool ok() const { return failures == 0 && errors == 0; }
    Counts& operator+=(const Counts& o);
};

struct TestSuite {
    std::string name;
    std::string timestamp; // ISO 8601, optional
    std::string hostname;  // optional
    double time = 0;       // seconds; 0 means the sum of the cases'
    std::vector<TestCase> cases;
    std::string system_out;
    std::string system_err;

    // Counted from the cases: the attributes runners write are not trusted.
    Counts counts() const;
};

// Parses a JUnit report. The root may be <testsuites> or <testsuite>; nested
// suites are flattened (each keeps its own name); <testcase> elements hold
// <failure>, <error> or <skipped> (the first of them decides the status;
// Surefire's <flakyFailure>/<rerunFailure> leave a passed case passed).
// `where` names the file in errors (usage errors, with the line).
Result<std::vector<TestSuite>> parse_junit(std::string_view text, std::string_view where);

// Writes suites as one <testsuites> document named `name`. Text is cleaned
// (see xml_text) so that the document is always well-formed UTF-8.
std::string write_junit(const std::vector<TestSuite>& suites, std::string_view name);

// The suites, cases and counts as JSON, for report artifacts.
nlohmann::json to_json(const TestSuite& suite);
nlohmann::json to_json(const TestCase& c);
nlohmann::json to_json(const Counts& c);

} // namespace mlci::junit
