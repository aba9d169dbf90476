// The results of data checks: one CheckResult per rule and column, grouped
// by CSV file and dataset version, as the test report stores them and as
// JUnit shows them (one test case per check).
#pragma once

#include <cstdint>
#include <mlci/hash/digest.hpp>
#include <mlci/junit/junit.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::test {

enum class Outcome { passed, failed, skipped };

std::string_view to_string(Outcome o);

// Offending values shown per check: enough to find the problem, few enough
// to read in a CI log.
inline constexpr size_t k_max_examples = 5;

struct CheckResult {
    // "parse", "columns", "rows", "duplicates", "unique", "type", "nulls",
    // "range", "allowed", "drift"
    std::string check;
    std::string column; // empty for checks of the whole table
    Outcome outcome = Outcome::passed;
    std::string message; // one line for people
    uint64_t violations = 0;
    std::vector<std::string> examples; // "line 12: 9.1"
    nlohmann::json stats;              // drift statistics; null for other checks

    bool failed() const { return outcome == Outcome::failed; }
    // "sepal_length: range", or "rows" for a table-wide check.
    std::string title() const;
};

struct FileCheck {
    std::string path; // the CSV file, relative to the project root
    hash::Digest digest;
    uint64_t rows = 0;
    std::vector<CheckResult> checks;
    bool passed() const;
};

struct DatasetCheck {
    std::string label;     // as the user named it: "iris", "iris:v2"
    std::string name;      // the dataset's name
    std::string reference; // its tag, or digest
    hash::Digest digest;
    std::string schema_source;   // where the schema came from; empty when none
    std::string drift_reference; // the reference version's name; empty when none
    hash::Digest drift_digest;
    double max_drift = 0;
    std::vector<FileCheck> files;
    std::vector<std::string> notes; // what was not checked, and why

    bool passed() const;
    // Failed checks over all files.
    size_t failures() const;
};

nlohmann::json to_json(const CheckResult& r);
nlohmann::json to_json(const DatasetCheck& d);

// The dataset's checks as a JUnit suite named "data: NAME": one case a
// check, with the examples as the failure's text.
junit::TestSuite to_suite(const DatasetCheck& d);

} // namespace mlci::test
