#include <algorithm>
#include <charconv>
#include <cmath>
#include <mlci/core/text.hpp>
#include <mlci/validate/criterion.hpp>

namespace mlci::validate {

namespace {

constexpr const char* k_criterion_form =
    "expected METRIC OP VALUE, e.g. 'accuracy >= 0.9', with OP one of >=, >, <=, <, ==";

bool metric_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '/' || c == ':' || c == '@' || c == '[' || c == ']';
}

bool valid_metric(std::string_view m) {
    return !m.empty() && std::all_of(m.begin(), m.end(), metric_char);
}

// A whole finite number ("0.9", "-1e-3", "+2"), or nothing.
std::optional<double> parse_value(std::string_view s) {
    if (s.starts_with('+'))
        s.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

} // namespace

std::string_view to_string(Op op) {
    switch (op) {
    case Op::ge:
        return ">=";
    case Op::gt:
        return ">";
    case Op::le:
        return "<=";
    case Op::lt:
        return "<";
    case Op::eq:
        return "==";
    }
    return "?";
}

std::string_view to_string(Direction d) {
    return d == Direction::higher_is_better ? "higher" : "lower";
}

bool Criterion::holds(double measured) const {
    if (!std::isfinite(measured))
        return false;
    switch (op) {
    case Op::ge:
        return measured >= value;
    case Op::gt:
        return measured > value;
    case Op::le:
        return measured <= value;
    case Op::lt:
        return measured < value;
    case Op::eq:
        return std::abs(measured - value) <=
               1e-9 * std::max({1.0, std::abs(measured), std::abs(value)});
    }
    return false;
}

Result<Criterion> parse_criterion(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return usage_error("invalid criterion '{}': {} ({})", text, why, k_criterion_form);
    };
    auto t = trim(text);
    auto at = t.find_first_of("<>=!");
    if (t.empty())
        return bad("it is empty");
    if (at == std::string_view::npos)
        return bad("no comparison operator");
    Criterion c;
    c.text = std::string(t);
    auto metric = trim(t.substr(0, at));
    if (metric.empty())
        return bad("no metric name before the operator");
    if (!valid_metric(metric))
        return bad(
            fmt::format("'{}' is not a metric name (letters, digits, '_', '.', '-', '/')", metric));
    c.metric = std::string(metric);
    auto rest = t.substr(at);
    static constexpr std::pair<std::string_view, Op> ops[] = {
        {">=", Op::ge}, {"<=", Op::le}, {"==", Op::eq}, {">", Op::gt}, {"<", Op::lt}};
    bool found = false;
    for (auto [s, op] : ops)
        if (rest.starts_with(s)) {
            c.op = op;
            rest.remove_prefix(s.size());
            found = true;
            break;
        }
    if (!found || rest.starts_with('=') || rest.starts_with('<') || rest.starts_with('>')) {
        auto end = std::min(t.find_first_not_of("<>=!", at), t.size());
        auto op = t.substr(at, end - at);
        if (op == "=")
            return bad("'=' is not an operator; did you mean '=='?");
        if (op == "=>" || op == "=<")
            return bad(fmt::format("'{}' is not an operator; did you mean '{}='?", op, op[1]));
        return bad(fmt::format("'{}' is not an operator", op));
    }
    auto value = trim(rest);
    if (value.empty())
        return bad("no value after the operator");
    auto v = parse_value(value);
    if (!v)
        return bad(fmt::format("'{}' is not a number", value));
    c.value = *v;
    return c;
}

Result<RegressionLimit> parse_regression_limit(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return usage_error("invalid regression limit '{}': {} (expected METRIC=DELTA, e.g. "
                           "'accuracy=0.02' or 'accuracy=2%')",
                           text, why);
    };
    auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return bad("no '='");
    RegressionLimit r;
    auto metric = trim(text.substr(0, eq));
    if (!valid_metric(metric))
        return bad(metric.empty() ? std::string("no metric name")
                                  : fmt::format("'{}' is not a metric name", metric));
    r.metric = std::string(metric);
    auto delta = trim(text.substr(eq + 1));
    if (delta.ends_with('%')) {
        r.relative = true;
        delta = trim(delta.substr(0, delta.size() - 1));
    }
    auto v = parse_value(delta);
    if (!v)
        return bad(fmt::format("'{}' is not a number", delta));
    if (*v < 0)
        return bad("the delta is negative (give how far the metric may fall)");
    r.delta = r.relative ? *v / 100 : *v;
    return r;
}

Direction direction_of(std::string_view metric, const std::vector<Criterion>& criteria) {
    for (auto& c : criteria)
        if (c.metric == metric && c.op != Op::eq)
            return c.op == Op::ge || c.op == Op::gt ? Direction::higher_is_better
                                                    : Direction::lower_is_better;
    std::string name(metric);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::string_view lower_better[] = {
        "loss", "error", "mse", "mae", "mape", "latency", "time", "duration", "perplexity"};
    for (auto word : lower_better)
        if (name.find(word) != std::string::npos)
            return Direction::lower_is_better;
    return Direction::higher_is_better;
}

} // namespace mlci::validate
