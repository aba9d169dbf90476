// `mlci test` in the library: what to test (planned from mlci.yaml and the
// flags, with every input checked before anything runs), running it, and
// the test report artifact that records it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <istream>
#include <mlci/config/project_config.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <mlci/test/dataset_check.hpp>
#include <mlci/test/suite.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::test {

inline constexpr const char* k_media_test_report = "application/vnd.mlci.test-report.v1+json";
inline constexpr const char* k_ann_verdict = "dev.mlci.verdict";

struct TestOptions {
    std::string ref;                 // the dataset or run under test; may be empty
    std::vector<std::string> suites; // NAME (declared in mlci.yaml) or NAME=SHELL-COMMAND
    // A command given after '--': one more suite, run in `command_cwd`,
    // named after its program (pytest for `python3 -m pytest`).
    config::CommandSpec command;
    std::filesystem::path command_cwd;
    std::vector<std::string> data;   // dataset NAME (from mlci.yaml) or REF
    std::string schema_file;         // replaces the datasets' schemas
    std::string reference;           // replaces the datasets' drift references
    std::optional<double> max_drift; // replaces the datasets' max_drift
    bool no_suites = false;
    bool no_data = false;
    std::optional<std::chrono::milliseconds> timeout; // per suite
};

// Takes `mlci test`'s positionals: REF before '--' (at most one) and the
// command after it (the last `after_separator` words), run in `cwd`. A usage
// error when more than one word precedes '--'.
Status take_positionals(TestOptions& options, const std::vector<std::string>& words,
                        size_t after_separator, const std::filesystem::path& cwd);

struct TestPlan {
    std::optional<store::IndexEntry> subject;
    std::vector<store::IndexEntry> tested; // for lineage: datasets and the run tested
    std::vector<SuiteSpec> suites;
    std::vector<DatasetCheckSpec> data;
};

// Decides what to test. Defaults come from mlci.yaml's `test` section
// (suites, data) and `datasets` (schema, reference, max_drift); flags replace
// them. The subject is REF when given, else the first dataset checked.
// Usage errors: unknown suite or dataset, a schema file that does not parse
// (with file:line), a drift reference that is not a dataset, nothing to
// test. Runtime error: a suite's program does not exist.
Result<TestPlan> plan_tests(const store::Store& store, const config::ProjectConfig& config,
                            const TestOptions& options, std::istream& in);

struct TestRun {
    std::optional<store::IndexEntry> subject;
    std::vector<store::IndexEntry> tested;
    std::vector<SuiteRun> suites;
    std::vector<DatasetCheck> data;
    std::string created;

    // Test cases over suites and data checks (one case a data check).
    junit::Counts counts() const;
    bool passed() const { return counts().ok(); }
    // Every suite, then a suite per dataset: what --junit writes.
    std::vector<junit::TestSuite> junit() const;
};

struct TestCallbacks {
    std::function<void(const SuiteSpec&)> on_suite_start;
    std::function<void(std::string_view)> on_output; // the suites' output as it comes
    Reporter reporter;
};

// Runs the suites, then the data checks.
Result<TestRun> run_tests(const store::Store& store, const TestPlan& plan,
                          const TestCallbacks& callbacks);

// The report record (the artifact's config blob); with `store`, the
// subject's kind ("dataset", "run") is looked up and recorded too.
nlohmann::json to_json(const TestRun& run);
nlohmann::json to_json(const TestRun& run, const store::Store* store);

// `mlci test --json`: the record (with the subject's kind) and where the
// report went: "reference" (what the command prints: its first tag as
// applied, else its digest), "digest" (its manifest's) and "junit_file"
// (the file --junit wrote; absent when none was asked for).
nlohmann::json result_json(const TestRun& run, const store::Store& store,
                           const std::string& reference, const hash::Digest& digest,
                           const std::string& junit_file);

// Stores the test report artifact: config = the record, layers = the JUnit
// XML of everything, each suite's log and original report; `subject` = the
// subject; lineage annotations to everything tested and to drift references.
// Adds it to the index untagged, or under `tags`.
Result<store::Descriptor> store_test_report(store::Store& store, const TestRun& run,
                                            const std::vector<std::string>& tags);

} // namespace mlci::test
