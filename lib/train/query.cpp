#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <mlci/core/format.hpp>
#include <mlci/core/text.hpp>
#include <mlci/train/metrics.hpp>
#include <mlci/train/params.hpp>
#include <mlci/train/query.hpp>
#include <set>

namespace mlci::train {

namespace {

bool compare_by(std::string_view op, double a, double b) {
    // "==" as validate has it: a relative difference of 1e-9 is equal.
    bool equal = a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    if (op == "==")
        return equal;
    if (op == "!=")
        return !equal;
    if (op == ">")
        return a > b;
    if (op == ">=")
        return a >= b;
    if (op == "<")
        return a < b;
    return a <= b;
}

std::string value_cell(const std::optional<double>& v) {
    return human_number(v);
}

std::optional<double> metric_of(const Run& r, const std::string& name) {
    auto it = r.record.metrics.find(name);
    return it == r.record.metrics.end() ? std::nullopt : std::optional<double>(it->second);
}

nlohmann::json metrics_object(const Metrics& m) {
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : m)
        j[k] = v;
    return j;
}

} // namespace

Result<SortKey> parse_sort_key(std::string_view text) {
    SortKey key;
    auto colon = text.rfind(':');
    std::string_view order;
    if (colon != std::string_view::npos) {
        order = text.substr(colon + 1);
        text = text.substr(0, colon);
    }
    key.metric = std::string(trim(text));
    if (key.metric.empty() ||
        (colon != std::string_view::npos && order != "asc" && order != "desc"))
        return usage_error("invalid sort '{}{}': expected METRIC, METRIC:desc or METRIC:asc", text,
                           colon == std::string_view::npos ? "" : ":" + std::string(order));
    key.descending = order != "asc";
    return key;
}

Result<RunFilter> parse_run_filter(std::string_view text) {
    auto bad = [&] {
        return usage_error("invalid filter '{}': expected METRIC OP VALUE with OP one of > >= < "
                           "<= == != (e.g. 'accuracy>0.9')",
                           text);
    };
    auto at = text.find_first_of("<>=!");
    if (at == std::string_view::npos)
        return bad();
    RunFilter f;
    f.text = std::string(text);
    f.name = std::string(trim(text.substr(0, at)));
    auto rest = text.substr(at);
    for (std::string_view op : {">=", "<=", "==", "!=", ">", "<"})
        if (rest.starts_with(op)) {
            f.op = std::string(op);
            break;
        }
    if (f.op.empty() || f.name.empty())
        return bad();
    auto number = trim(rest.substr(f.op.size()));
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), f.value);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
        !std::isfinite(f.value))
        return bad();
    return f;
}

std::optional<double> run_value(const Run& run, const std::string& name) {
    if (auto m = metric_of(run, name))
        return m;
    auto flat = flatten_params(run.record.params);
    if (auto it = flat.find(name); it != flat.end() && it->second.is_number())
        return it->second.get<double>();
    return std::nullopt;
}

bool matches(const Run& run, const std::vector<RunFilter>& filters) {
    return std::all_of(filters.begin(), filters.end(), [&](const RunFilter& f) {
        auto v = run_value(run, f.name);
        return v && compare_by(f.op, *v, f.value);
    });
}

void sort_runs(std::vector<Run>& runs, const SortKey& key) {
    std::stable_sort(runs.begin(), runs.end(), [&](const Run& a, const Run& b) {
        auto va = run_value(a, key.metric), vb = run_value(b, key.metric);
        if (!va || !vb)
            return va.has_value() && !vb.has_value();
        return key.descending ? *va > *vb : *va < *vb;
    });
}

std::vector<std::string> varying_params(const std::vector<Run>& runs) {
    std::map<std::string, std::set<std::string>> values;
    std::vector<std::map<std::string, nlohmann::json>> flat;
    for (auto& r : runs) {
        flat.push_back(flatten_params(r.record.params));
        for (auto& [k, v] : flat.back())
            values[k].insert(v.dump());
    }
    std::vector<std::string> varying, all;
    for (auto& [k, v] : values) {
        all.push_back(k);
        // A param some runs lack varies too.
        bool lacking =
            std::any_of(flat.begin(), flat.end(), [&](auto& f) { return !f.contains(k); });
        if (v.size() > 1 || lacking)
            varying.push_back(k);
    }
    return varying.empty() ? all : varying;
}

std::string params_text(const Run& run, const std::vector<std::string>& names) {
    std::string out;
    auto flat = flatten_params(run.record.params);
    for (auto& k : names)
        if (auto it = flat.find(k); it != flat.end())
            out += (out.empty() ? "" : " ") + k + "=" + format_value(it->second);
    return out;
}

Table log_table(const std::vector<Run>& runs, std::vector<std::string> metrics) {
    if (metrics.empty()) {
        std::set<std::string> all;
        for (auto& r : runs)
            for (auto& [k, v] : r.record.metrics)
                all.insert(k);
        metrics.assign(all.begin(), all.end());
    }
    auto params = varying_params(runs);
    Table rows;
    std::vector<std::string> head{"run", "status", "ended", "commit"};
    head.insert(head.end(), metrics.begin(), metrics.end());
    head.emplace_back("params");
    rows.push_back(head);
    for (auto& r : runs) {
        auto& rec = r.record;
        std::string commit = rec.code && !rec.code->commit.empty()
                                 ? rec.code->commit.substr(0, 8) + (rec.code->dirty ? "+" : "")
                                 : "-";
        std::vector<std::string> row{r.reference(), std::string(to_string(rec.status)), rec.ended,
                                     commit};
        for (auto& m : metrics)
            row.push_back(value_cell(metric_of(r, m)));
        row.push_back(params_text(r, params));
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json run_json(const Run& r) {
    nlohmann::json inputs = nlohmann::json::array();
    for (auto& i : r.record.inputs)
        inputs.push_back(
            {{"name", i.name}, {"reference", i.reference}, {"digest", i.digest.str()}});
    return {{"reference", r.reference()},
            {"digest", r.entry.descriptor.digest.str()},
            {"name", r.record.name},
            {"status", to_string(r.record.status)},
            {"started", r.record.started},
            {"ended", r.record.ended},
            {"wall_seconds", r.record.wall_seconds},
            {"exit_code", r.record.exit_code},
            {"commit", r.record.code ? r.record.code->commit : ""},
            {"params", r.record.params},
            {"metrics", metrics_object(r.record.metrics)},
            {"inputs", inputs}};
}

nlohmann::json runs_json(const std::vector<Run>& runs) {
    nlohmann::json doc = nlohmann::json::array();
    for (auto& r : runs)
        doc.push_back(run_json(r));
    return doc;
}

namespace {

std::vector<std::string> metric_names(const std::vector<Run>& runs) {
    std::set<std::string> all;
    for (auto& r : runs)
        for (auto& [k, v] : r.record.metrics)
            all.insert(k);
    return {all.begin(), all.end()};
}

// The params to show: those that differ (or all), with each run's value.
std::vector<std::pair<std::string, std::vector<std::optional<nlohmann::json>>>>
param_rows(const std::vector<Run>& runs, bool all) {
    std::vector<std::map<std::string, nlohmann::json>> flat;
    std::set<std::string> names;
    for (auto& r : runs) {
        flat.push_back(flatten_params(r.record.params));
        for (auto& [k, v] : flat.back())
            names.insert(k);
    }
    std::vector<std::pair<std::string, std::vector<std::optional<nlohmann::json>>>> out;
    for (auto& k : names) {
        std::vector<std::optional<nlohmann::json>> values;
        for (auto& f : flat) {
            auto it = f.find(k);
            values.push_back(it == f.end() ? std::nullopt
                                           : std::optional<nlohmann::json>(it->second));
        }
        bool differs =
            std::any_of(values.begin(), values.end(), [&](auto& v) { return v != values.front(); });
        if (all || differs)
            out.emplace_back(k, std::move(values));
    }
    return out;
}

std::optional<double> change_of(const std::optional<double>& a, const std::optional<double>& b) {
    return a && b ? std::optional<double>(*b - *a) : std::nullopt;
}

} // namespace

Table comparison_table(const std::vector<Run>& runs, bool all) {
    bool pair = runs.size() == 2;
    std::vector<std::string> head{"metric"};
    for (auto& r : runs)
        head.push_back(r.reference());
    if (pair)
        head.emplace_back("change");
    Table rows{head};
    for (auto& m : metric_names(runs)) {
        std::vector<std::string> row{m};
        for (auto& r : runs)
            row.push_back(value_cell(metric_of(r, m)));
        if (pair) {
            auto c = change_of(metric_of(runs[0], m), metric_of(runs[1], m));
            row.push_back(c ? human_change(*c) : "-");
        }
        rows.push_back(std::move(row));
    }
    auto params = param_rows(runs, all);
    if (!params.empty()) {
        std::vector<std::string> row{"param"};
        for (auto& r : runs)
            row.push_back(r.reference());
        rows.push_back(std::move(row));
    }
    for (auto& [k, values] : params) {
        std::vector<std::string> row{k};
        for (auto& v : values)
            row.push_back(v ? format_value(*v) : "-");
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json comparison_json(const std::vector<Run>& runs, bool all) {
    auto value = [](const std::optional<double>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    bool pair = runs.size() == 2;
    nlohmann::json refs = nlohmann::json::array(), metrics = nlohmann::json::array(),
                   params = nlohmann::json::array();
    for (auto& r : runs)
        refs.push_back(r.reference());
    for (auto& m : metric_names(runs)) {
        nlohmann::json values = nlohmann::json::array();
        for (auto& r : runs)
            values.push_back(value(metric_of(r, m)));
        nlohmann::json row{{"metric", m}, {"values", values}};
        if (pair) {
            row["old"] = values[0];
            row["new"] = values[1];
            row["change"] = value(change_of(metric_of(runs[0], m), metric_of(runs[1], m)));
        }
        metrics.push_back(std::move(row));
    }
    for (auto& [k, vs] : param_rows(runs, all)) {
        nlohmann::json values = nlohmann::json::array();
        for (auto& v : vs)
            values.push_back(v.value_or(nullptr));
        nlohmann::json row{{"param", k}, {"values", values}};
        if (pair) {
            row["old"] = values[0];
            row["new"] = values[1];
        }
        params.push_back(std::move(row));
    }
    nlohmann::json doc{{"runs", refs}, {"metrics", metrics}, {"params", params}};
    if (pair) {
        doc["old"] = refs[0];
        doc["new"] = refs[1];
    }
    return doc;
}

} // namespace mlci::train
