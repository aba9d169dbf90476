#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/csv_reader.hpp>
#include <mlci/test/column_check.hpp>

namespace mlci::test {

namespace {

using data::ValueType;

bool type_fits(std::string_view type, ValueType t) {
    if (type == "int")
        return t == ValueType::integer;
    if (type == "number")
        return t == ValueType::integer || t == ValueType::number;
    if (type == "bool")
        return t == ValueType::boolean;
    return true; // string: any text is a string
}

std::string_view type_name(ValueType t) {
    switch (t) {
    case ValueType::boolean:
        return "a bool";
    case ValueType::integer:
        return "an int";
    case ValueType::number:
        return "a number";
    case ValueType::string:
        return "text";
    case ValueType::null_value:
        return "null";
    }
    return "text";
}

std::string join(const std::vector<std::string>& v, std::string_view sep, size_t max = 10) {
    std::string out;
    for (size_t i = 0; i < v.size() && i < max; ++i)
        out += (i ? std::string(sep) : "") + v[i];
    if (v.size() > max)
        out += fmt::format("{}... ({} in all)", sep, v.size());
    return out;
}

CheckResult result(std::string check, const std::string& column, const Tally& t,
                   std::string pass_message, std::string fail_message) {
    CheckResult r;
    r.check = std::move(check);
    r.column = column;
    r.violations = t.count;
    r.examples = t.examples;
    r.outcome = t.count == 0 ? Outcome::passed : Outcome::failed;
    r.message = t.count == 0 ? std::move(pass_message) : std::move(fail_message);
    return r;
}

} // namespace

std::string show_value(std::string_view value) {
    bool cut = value.size() > 60;
    auto v = value.substr(0, 60);
    if (data::classify(value) == ValueType::integer || data::classify(value) == ValueType::number)
        return std::string(v);
    return fmt::format("'{}'{}", v, cut ? "..." : "");
}

void Tally::hit(uint64_t line, std::string_view what) {
    ++count;
    if (examples.size() < k_max_examples)
        examples.push_back(fmt::format("line {}: {}", line, what));
}

ColumnCheck::ColumnCheck(std::string name, const config::ColumnRule& rule)
    : m_name(std::move(name)), m_rule(rule), m_allowed(rule.allowed.begin(), rule.allowed.end()) {}

void ColumnCheck::add(std::string_view value, uint64_t line) {
    double number = 0;
    auto t = data::classify(value, &number);
    if (t == ValueType::null_value) {
        if (m_rule.nullable == false || m_rule.max_null_fraction)
            m_nulls.hit(line, fmt::format("null {}", show_value(value)));
        return;
    }
    if (m_rule.type && !type_fits(*m_rule.type, t))
        m_type.hit(line, fmt::format("{} is {}, not {}", show_value(value), type_name(t),
                                     *m_rule.type == "int"    ? "an int"
                                     : *m_rule.type == "bool" ? "a bool"
                                                              : "a number"));
    if (m_rule.min || m_rule.max) {
        bool numeric = t == ValueType::integer || t == ValueType::number;
        if (!numeric) {
            // With a type rule the type check has reported it already.
            if (!m_rule.type)
                m_range.hit(line, fmt::format("{} is not a number", show_value(value)));
        } else if (m_rule.min && number < *m_rule.min) {
            m_range.hit(line, fmt::format("{} is below the minimum {}", show_value(value),
                                          human_number(*m_rule.min)));
        } else if (m_rule.max && number > *m_rule.max) {
            m_range.hit(line, fmt::format("{} is above the maximum {}", show_value(value),
                                          human_number(*m_rule.max)));
        }
    }
    if (!m_allowed.empty() && !m_allowed.contains(value))
        m_allowed_tally.hit(line, fmt::format("{} is not allowed", show_value(value)));
}

void ColumnCheck::finish(uint64_t rows, std::vector<CheckResult>& out) const {
    if (m_rule.type)
        out.push_back(result("type", m_name, m_type, fmt::format("every value is {}", *m_rule.type),
                             fmt::format("{} {} not of type {}", plural(m_type.count, "value"),
                                         m_type.count == 1 ? "is" : "are", *m_rule.type)));
    if (m_rule.nullable == false || m_rule.max_null_fraction) {
        double fraction = rows ? static_cast<double>(m_nulls.count) / static_cast<double>(rows) : 0;
        CheckResult r;
        r.check = "nulls";
        r.column = m_name;
        r.violations = m_nulls.count;
        bool too_many = m_rule.max_null_fraction && fraction > *m_rule.max_null_fraction;
        bool forbidden = m_rule.nullable == false && m_nulls.count > 0;
        r.outcome = too_many || forbidden ? Outcome::failed : Outcome::passed;
        if (forbidden)
            r.message = fmt::format("{} in a column that is not nullable",
                                    plural(m_nulls.count, "null value"));
        else if (too_many)
            r.message = fmt::format("{}, a fraction of {} of {} rows, above the "
                                    "maximum {}",
                                    plural(m_nulls.count, "null value"), human_number(fraction),
                                    rows, human_number(*m_rule.max_null_fraction));
        else
            r.message = plural(m_nulls.count, "null value");
        if (r.failed())
            r.examples = m_nulls.examples;
        out.push_back(std::move(r));
    }
    if (m_rule.min || m_rule.max) {
        auto range = fmt::format("[{}, {}]", m_rule.min ? human_number(*m_rule.min) : "-inf",
                                 m_rule.max ? human_number(*m_rule.max) : "inf");
        out.push_back(result("range", m_name, m_range, "every value is in " + range,
                             fmt::format("{} outside {}", plural(m_range.count, "value"), range)));
    }
    if (!m_rule.allowed.empty())
        out.push_back(result("allowed", m_name, m_allowed_tally,
                             "every value is one of " + join(m_rule.allowed, ", "),
                             fmt::format("{} not among {}", plural(m_allowed_tally.count, "value"),
                                         join(m_rule.allowed, ", "))));
}

} // namespace mlci::test
