#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mlci/core/format.hpp>
#include <mlci/core/text.hpp>
#include <mlci/watch/rule.hpp>

namespace mlci::watch {

namespace {

constexpr std::array<std::string_view, 6> k_feature_metrics = {"psi",    "ks",      "chi2",
                                                               "pvalue", "missing", "mean"};
constexpr std::array<std::string_view, 12> k_global_metrics = {"accuracy",
                                                               "mae",
                                                               "rmse",
                                                               "prediction_psi",
                                                               "prediction_ks",
                                                               "prediction_chi2",
                                                               "prediction_pvalue",
                                                               "missing_rate",
                                                               "malformed_rate",
                                                               "events",
                                                               "malformed",
                                                               "labeled"};

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool holds(double value, Op op, double limit) {
    switch (op) {
    case Op::gt:
        return value > limit;
    case Op::ge:
        return value >= limit;
    case Op::lt:
        return value < limit;
    case Op::le:
        return value <= limit;
    }
    return false;
}

template <size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

std::string_view to_string(Op op) {
    switch (op) {
    case Op::gt:
        return ">";
    case Op::ge:
        return ">=";
    case Op::lt:
        return "<";
    case Op::le:
        return "<=";
    }
    return "?";
}

std::string figure_text(double x) {
    return std::isnan(x) ? "none" : human_number(x);
}

std::string Alert::text() const {
    return fmt::format("{} = {} {} {}", name, figure_text(value), to_string(op),
                       figure_text(limit));
}

Result<Rule> parse_rule(std::string_view text) {
    auto bad = [&](std::string_view what) {
        return usage_error("invalid rule '{}': {} (expected e.g. 'psi(age) > 0.2', "
                           "'missing(*) > 0.05' or 'accuracy < 0.85')",
                           text, what);
    };
    Rule r;
    r.text = std::string(trim(text));
    std::string_view s = trim(text);
    size_t i = 0;
    while (i < s.size() && is_name_char(s[i]))
        ++i;
    if (i == 0)
        return bad("it does not start with a metric name");
    r.metric = std::string(s.substr(0, i));
    s = trim(s.substr(i));
    if (!s.empty() && s.front() == '(') {
        auto close = s.find(')');
        if (close == std::string_view::npos)
            return bad("missing ')'");
        r.feature = std::string(trim(s.substr(1, close - 1)));
        if (r.feature.empty())
            return bad("no feature between the parentheses");
        s = trim(s.substr(close + 1));
        if (!listed(k_feature_metrics, r.metric))
            return bad(fmt::format("unknown feature metric '{}' (one of psi, ks, chi2, pvalue, "
                                   "missing, mean)",
                                   r.metric));
    } else if (!listed(k_global_metrics, r.metric)) {
        if (listed(k_feature_metrics, r.metric))
            return bad(fmt::format("'{}' needs a feature: {}(NAME) or {}(*)", r.metric, r.metric,
                                   r.metric));
        return bad(fmt::format("unknown metric '{}'", r.metric));
    }
    if (s.starts_with(">=")) {
        r.op = Op::ge;
        s.remove_prefix(2);
    } else if (s.starts_with("<=")) {
        r.op = Op::le;
        s.remove_prefix(2);
    } else if (s.starts_with(">")) {
        r.op = Op::gt;
        s.remove_prefix(1);
    } else if (s.starts_with("<")) {
        r.op = Op::lt;
        s.remove_prefix(1);
    } else {
        return bad("expected one of >, >=, <, <= after the metric");
    }
    s = trim(s);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), r.limit);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(r.limit))
        return bad(fmt::format("'{}' is not a number", s));
    return r;
}

Status check_rule_features(const std::vector<Rule>& rules,
                           const std::vector<std::string>& features) {
    for (auto& r : rules)
        if (!r.feature.empty() && r.feature != "*" &&
            std::find(features.begin(), features.end(), r.feature) == features.end())
            return usage_error("rule '{}' names feature '{}', which the baseline does not have "
                               "(features: {})",
                               r.text, r.feature, fmt::join(features, ", "));
    return {};
}

double feature_metric(const FeatureSummary& f, std::string_view metric) {
    if (metric == "psi")
        return f.psi;
    if (metric == "ks")
        return f.ks;
    if (metric == "chi2")
        return f.chi2;
    if (metric == "pvalue")
        return f.p_value;
    if (metric == "missing")
        return f.missing_rate;
    if (metric == "mean")
        return f.mean;
    return k_nan;
}

double global_metric(const WindowSummary& w, std::string_view metric) {
    if (metric == "accuracy")
        return w.accuracy;
    if (metric == "mae")
        return w.mae;
    if (metric == "rmse")
        return w.rmse;
    if (metric == "missing_rate")
        return w.missing_rate;
    if (metric == "events")
        return static_cast<double>(w.events);
    if (metric == "malformed")
        return static_cast<double>(w.malformed);
    if (metric == "labeled")
        return static_cast<double>(w.labeled);
    if (metric == "malformed_rate")
        return w.events + w.malformed
                   ? static_cast<double>(w.malformed) / static_cast<double>(w.events + w.malformed)
                   : k_nan;
    if (metric.starts_with("prediction_") && w.prediction)
        return feature_metric(*w.prediction, metric.substr(11));
    return k_nan;
}

std::vector<Alert> evaluate(const std::vector<Rule>& rules, const WindowSummary& w) {
    std::vector<Alert> out;
    for (auto& r : rules) {
        auto check = [&](double value, std::string name) {
            if (!std::isnan(value) && holds(value, r.op, r.limit))
                out.push_back({r.text, std::move(name), value, r.op, r.limit});
        };
        if (r.feature.empty()) {
            check(global_metric(w, r.metric), r.metric);
            continue;
        }
        for (auto& f : w.features)
            if (r.feature == "*" || r.feature == f.name)
                check(feature_metric(f, r.metric), fmt::format("{}({})", r.metric, f.name));
    }
    return out;
}

} // namespace mlci::watch
