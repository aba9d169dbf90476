// A table profile as JSON (the "profile" blob of a dataset version) and back.
#include <mlci/data/profile.hpp>
#include <nlohmann/json.hpp>

namespace mlci::data {

namespace {

using json = nlohmann::json;

constexpr uint64_t k_profile_version = 1;

// JSON built in code holds small counts as signed integers, parsed JSON as
// unsigned ones.
bool is_count(const json& j) {
    return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
}

// Reading JSON: each helper names the key that is wrong.
struct Reader {
    const json& j;
    std::string where; // "profile" or "profile column 2 'age'"

    std::unexpected<Error> bad(std::string_view key, std::string_view what) const {
        return usage_error("malformed {}: '{}' {}", where, key, what);
    }
    Result<const json*> field(const char* key) const {
        auto it = j.find(key);
        if (it == j.end())
            return bad(key, "is missing");
        return &*it;
    }
    Result<uint64_t> count(const char* key) const {
        MLCI_TRY_ASSIGN(v, field(key));
        if (!is_count(*v))
            return bad(key, "is not a count");
        return v->get<uint64_t>();
    }
    Result<std::optional<double>> number(const char* key) const {
        auto it = j.find(key);
        if (it == j.end())
            return std::optional<double>();
        if (!it->is_number())
            return bad(key, "is not a number");
        return std::optional(it->get<double>());
    }
    // An optional array whose elements `ok` accepts.
    template <typename T, typename Ok>
    Result<std::vector<T>> array(const char* key, Ok ok, std::string_view what) const {
        std::vector<T> out;
        auto it = j.find(key);
        if (it == j.end())
            return out;
        if (!it->is_array())
            return bad(key, "is not an array");
        for (const auto& e : *it) {
            if (!ok(e))
                return bad(key, what);
            out.push_back(e.get<T>());
        }
        return out;
    }
};

Result<ColumnProfile> column_from_json(const json& j, size_t index) {
    if (!j.is_object())
        return usage_error("malformed profile: column {} is not an object", index + 1);
    Reader r{j, fmt::format("profile column {}", index + 1)};
    ColumnProfile c;
    MLCI_TRY_ASSIGN(name, r.field("name"));
    if (!name->is_string())
        return r.bad("name", "is not a string");
    c.name = name->get<std::string>();
    r.where += fmt::format(" '{}'", c.name);
    MLCI_TRY_ASSIGN(type, r.field("type"));
    if (!type->is_string())
        return r.bad("type", "is not a string");
    c.type = type->get<std::string>();
    if (c.type != "int" && c.type != "number" && c.type != "string" && c.type != "bool")
        return r.bad("type", "is not one of int, number, string, bool");
    MLCI_TRY_ASSIGN(count, r.count("count"));
    MLCI_TRY_ASSIGN(nulls, r.count("nulls"));
    MLCI_TRY_ASSIGN(distinct, r.count("distinct"));
    c.count = count;
    c.nulls = nulls;
    c.distinct = distinct;
    if (auto it = j.find("distinct_capped"); it != j.end()) {
        if (!it->is_boolean())
            return r.bad("distinct_capped", "is not true or false");
        c.distinct_capped = it->get<bool>();
    }
    MLCI_TRY_ASSIGN(min, r.number("min"));
    MLCI_TRY_ASSIGN(max, r.number("max"));
    MLCI_TRY_ASSIGN(mean, r.number("mean"));
    MLCI_TRY_ASSIGN(std, r.number("std"));
    c.min = min;
    c.max = max;
    c.mean = mean;
    c.std = std;
    if (auto it = j.find("quantiles"); it != j.end()) {
        if (!it->is_object())
            return r.bad("quantiles", "is not an object");
        for (const auto& [key, value] : it->items()) {
            if (!value.is_number())
                return r.bad("quantiles", "holds a value that is not a number");
            c.quantiles[key] = value.get<double>();
        }
    }
    auto is_number = [](const json& e) { return e.is_number(); };
    MLCI_TRY_ASSIGN(edges, r.array<double>("bin_edges", is_number, "holds a non-number"));
    MLCI_TRY_ASSIGN(bins, r.array<uint64_t>("bin_counts", is_count, "holds a non-count"));
    if (!(edges.empty() && bins.empty()) && edges.size() != bins.size() + 1)
        return r.bad("bin_edges", "does not have one more element than 'bin_counts'");
    c.bin_edges = std::move(edges);
    c.bin_counts = std::move(bins);
    if (auto it = j.find("top"); it != j.end()) {
        if (!it->is_array())
            return r.bad("top", "is not an array");
        for (const auto& e : *it) {
            if (!e.is_object() || !e.contains("value") || !e["value"].is_string() ||
                !e.contains("count") || !is_count(e["count"]))
                return r.bad("top", "holds an element other than {\"value\": text, \"count\": n}");
            c.top.emplace_back(e["value"].get<std::string>(), e["count"].get<uint64_t>());
        }
    }
    return c;
}

} // namespace

json to_json(const TableProfile& profile) {
    json columns = json::array();
    for (const auto& c : profile.columns)
        columns.push_back(to_json(c));
    json j = {{"version", k_profile_version},
              {"rows", profile.rows},
              {"duplicate_rows", profile.duplicate_rows},
              {"columns", std::move(columns)}};
    // Only when there are any, so that profiles of other tables keep their bytes.
    if (profile.unprofiled_columns > 0)
        j["unprofiled_columns"] = profile.unprofiled_columns;
    return j;
}

json to_json(const ColumnProfile& c) {
    json j = {{"name", c.name},   {"type", c.type},         {"count", c.count},
              {"nulls", c.nulls}, {"distinct", c.distinct}, {"distinct_capped", c.distinct_capped}};
    auto put = [&](const char* key, const std::optional<double>& v) {
        if (v)
            j[key] = *v;
    };
    put("min", c.min);
    put("max", c.max);
    put("mean", c.mean);
    put("std", c.std);
    if (!c.quantiles.empty())
        j["quantiles"] = c.quantiles;
    if (!c.bin_edges.empty())
        j["bin_edges"] = c.bin_edges;
    if (!c.bin_counts.empty())
        j["bin_counts"] = c.bin_counts;
    if (!c.top.empty()) {
        json top = json::array();
        for (const auto& [value, count] : c.top)
            top.push_back({{"value", value}, {"count", count}});
        j["top"] = std::move(top);
    }
    return j;
}

Result<TableProfile> profile_from_json(const json& j) {
    if (!j.is_object())
        return usage_error("malformed profile: not a JSON object");
    Reader r{j, "profile"};
    MLCI_TRY_ASSIGN(version, r.count("version"));
    if (version != k_profile_version)
        return usage_error("profile version {} is not supported (this mlci reads version {})",
                           version, k_profile_version);
    TableProfile t;
    MLCI_TRY_ASSIGN(rows, r.count("rows"));
    MLCI_TRY_ASSIGN(duplicates, r.count("duplicate_rows"));
    t.rows = rows;
    t.duplicate_rows = duplicates;
    if (j.contains("unprofiled_columns")) {
        MLCI_TRY_ASSIGN(unprofiled, r.count("unprofiled_columns"));
        t.unprofiled_columns = unprofiled;
    }
    MLCI_TRY_ASSIGN(columns, r.field("columns"));
    if (!columns->is_array())
        return r.bad("columns", "is not an array");
    for (size_t i = 0; i < columns->size(); ++i) {
        MLCI_TRY_ASSIGN(c, column_from_json((*columns)[i], i));
        t.columns.push_back(std::move(c));
    }
    return t;
}

} // namespace mlci::data
