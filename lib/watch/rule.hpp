// Alert rules over a window's statistics:
//   psi(age) > 0.2        ks(petal_length) > 0.3     chi2(city) > 30
//   pvalue(city) < 0.01   missing(*) > 0.05          mean(age) > 60
//   accuracy < 0.85       mae > 3    rmse > 5         prediction_psi > 0.2
//   missing_rate > 0.1    malformed_rate > 0.01      prediction_ks > 0.3
// A feature of `*` means any feature: the rule breaches once per feature
// whose statistic crosses the limit. A statistic that has no value in a
// window (accuracy without labels, KS of a category) never breaches.
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/watch/stats.hpp>
#include <string>
#include <vector>

namespace mlci::watch {

enum class Op { gt, ge, lt, le };

struct Rule {
    std::string text;    // as written
    std::string metric;  // psi, ks, chi2, pvalue, missing, mean; or accuracy, mae, ...
    std::string feature; // per-feature metrics: a name or "*"; empty otherwise
    Op op = Op::gt;
    double limit = 0;
};

struct Alert {
    std::string rule; // the rule's text
    std::string name; // "psi(petal_length)", "accuracy"
    double value = 0;
    Op op = Op::gt;
    double limit = 0;
    // "psi(petal_length) = 0.93 > 0.2"
    std::string text() const;
};

// Parses a rule; a usage error naming the rule and what is wrong.
Result<Rule> parse_rule(std::string_view text);

// Checks that each feature a rule names is one of `features`.
Status check_rule_features(const std::vector<Rule>& rules,
                           const std::vector<std::string>& features);

// The breaches of `rules` in `window`, in rule order.
std::vector<Alert> evaluate(const std::vector<Rule>& rules, const WindowSummary& window);

// The value of a global metric (accuracy, prediction_psi...) in a window; NaN
// when it has none.
double global_metric(const WindowSummary& window, std::string_view metric);
// The value of a per-feature metric of one feature.
double feature_metric(const FeatureSummary& feature, std::string_view metric);

std::string_view to_string(Op op);
// A figure as alerts and status lines print it: core's human_number (as
// test and report print theirs), or "none" for a window without the data.
std::string figure_text(double x);

} // namespace mlci::watch
