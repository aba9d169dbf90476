// The evaluation gate before delivery: criteria over a run's metrics and
// regression limits against a baseline run, giving a verdict that is stored
// as a validation artifact whose OCI `subject` is the run.
#pragma once

#include <mlci/validate/criterion.hpp>
#include <mlci/validate/run_summary.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::validate {

inline constexpr const char* k_ann_verdict = "dev.mlci.verdict";
inline constexpr const char* k_media_validation = "application/vnd.mlci.validation.v1+json";

struct CriterionResult {
    Criterion criterion;
    std::optional<double> measured; // empty when the run lacks the metric
    bool passed = false;
    std::string message; // why it failed; empty when it passed
};

struct RegressionResult {
    RegressionLimit limit;
    Direction direction = Direction::higher_is_better;
    std::optional<double> baseline, measured;
    double change = 0;  // measured - baseline
    double allowed = 0; // the largest allowed worsening, in the metric's units
    bool passed = false;
    std::string message;
};

struct Validation {
    RunSummary run;
    std::optional<RunSummary> baseline;
    std::string baseline_source; // the reference as given ("production")
    std::vector<CriterionResult> criteria;
    std::vector<RegressionResult> regressions;
    bool passed = false;
    std::string created; // RFC 3339

    bool status_ok() const { return run.succeeded(); }
    std::string verdict() const { return passed ? "passed" : "failed"; }
};

// Criteria from mlci.yaml with those from flags applied over them: a flag
// criterion on a metric replaces every configured one on that metric.
std::vector<Criterion> merge_criteria(const std::vector<Criterion>& configured,
                                      const std::vector<Criterion>& flags);
// The same for regression limits, keyed by metric.
std::vector<RegressionLimit> merge_limits(const std::vector<RegressionLimit>& configured,
                                          const std::vector<RegressionLimit>& flags);

// Evaluates the gate. It fails when the run did not succeed, when a
// criterion does not hold or its metric is missing, and when a limited
// metric fell further behind the baseline than allowed or is missing from
// either run. Limits are only evaluated with a baseline.
Validation evaluate(const RunSummary& run, const std::optional<RunSummary>& baseline,
                    const std::vector<Criterion>& criteria,
                    const std::vector<RegressionLimit>& limits);

// The validation record: criteria, baseline, regressions, verdict.
nlohmann::json to_json(const Validation& v);

// `mlci validate --json`: the record and where it went: "reference" (what
// the command prints: its first tag as applied, else its digest) and
// "digest" (its manifest's).
nlohmann::json result_json(const Validation& v, const std::string& reference,
                           const hash::Digest& digest);

struct ExtraLayer {
    std::string content;
    std::string media_type;
    std::string title; // org.opencontainers.image.title
};

// Stores the validation artifact (subject: the run; lineage: the run and the
// baseline), adds it to the index untagged and under `tags`, and returns
// its descriptor. `layers` are kept with it (the Markdown report).
Result<store::Descriptor> store_validation(store::Store& store, const Validation& v,
                                           const std::vector<ExtraLayer>& layers,
                                           const std::vector<std::string>& tags);

// The latest validation whose subject is `run`, by creation time and then
// by position in the index; nothing when the run was never validated.
struct ValidationInfo {
    store::IndexEntry entry;
    store::Manifest manifest;
    std::string verdict; // "passed" or "failed"
    std::string created;
    bool passed() const { return verdict == "passed"; }
};
Result<std::optional<ValidationInfo>> latest_validation(const store::Store& store,
                                                        const hash::Digest& run);

} // namespace mlci::validate
