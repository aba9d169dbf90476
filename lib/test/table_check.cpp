#include <fmt/format.h>
#include <functional>
#include <map>
#include <mlci/core/text.hpp>
#include <mlci/data/field_hash.hpp>
#include <mlci/test/column_check.hpp>
#include <mlci/test/drift.hpp>
#include <mlci/test/table_check.hpp>
#include <optional>

namespace mlci::test {

namespace {

// Hashes fields in order, so that ("a,b") and ("a", "b") differ; data::mix64
// (the CSV reader's finalizer too) spreads std::hash's bits over the slots.
uint64_t hash_fields(const std::vector<std::string_view>& row, const std::vector<size_t>* only) {
    uint64_t h = 0x243f6a8885a308d3ULL;
    auto add = [&](size_t i) { h = data::mix64(h ^ std::hash<std::string_view>{}(row[i])) + i; };
    if (only)
        for (size_t i : *only)
            add(i);
    else
        for (size_t i = 0; i < row.size(); ++i)
            add(i);
    return h;
}

// The line on which each 64-bit hash first appeared, in an open-addressing
// table (two words a slot, at most 70% full). A hash of 0 is stored as 1.
class FirstSeen {
public:
    FirstSeen() : m_slots(1024) {}

    // Records `line` for a new hash and returns 0, or returns the first line.
    uint64_t insert(uint64_t h, uint64_t line) {
        h = h ? h : 1;
        if ((m_size + 1) * 10 > m_slots.size() * 7)
            grow();
        size_t mask = m_slots.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            if (m_slots[i].first == h)
                return m_slots[i].second;
            if (m_slots[i].first == 0) {
                m_slots[i] = {h, line};
                ++m_size;
                return 0;
            }
        }
    }

private:
    void grow() {
        std::vector<std::pair<uint64_t, uint64_t>> old(m_slots.size() * 2);
        old.swap(m_slots);
        size_t mask = m_slots.size() - 1;
        for (auto& s : old) {
            if (s.first == 0)
                continue;
            size_t i = s.first & mask;
            while (m_slots[i].first != 0)
                i = (i + 1) & mask;
            m_slots[i] = s;
        }
    }

    std::vector<std::pair<uint64_t, uint64_t>> m_slots;
    size_t m_size = 0;
};

struct UniqueKey {
    std::string label; // "id" or "date,store"
    std::vector<size_t> columns;
    std::vector<std::string> missing;
    FirstSeen seen;
    Tally tally;
};

std::vector<std::string> split_key(const std::string& key) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= key.size()) {
        auto end = std::min(key.find(',', start), key.size());
        auto part = key.substr(start, end - start);
        while (!part.empty() && part.front() == ' ')
            part.erase(0, 1);
        while (!part.empty() && part.back() == ' ')
            part.pop_back();
        if (!part.empty())
            out.push_back(part);
        start = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

CheckResult table_check(std::string check, bool passed, std::string message) {
    CheckResult r;
    r.check = std::move(check);
    r.outcome = passed ? Outcome::passed : Outcome::failed;
    r.message = std::move(message);
    return r;
}

} // namespace

TableResult check_table(data::CsvReader& reader, const TableSpec& spec) {
    const auto& header = reader.header();
    const auto* schema = spec.schema;
    TableResult out;
    std::vector<CheckResult> head; // checks of the whole table, reported first

    std::map<std::string_view, size_t> index;
    std::vector<std::string> repeated;
    for (size_t i = 0; i < header.size(); ++i)
        if (!index.emplace(header[i], i).second)
            repeated.push_back(header[i]);

    std::vector<std::optional<ColumnCheck>> columns(header.size());
    std::vector<UniqueKey> keys;
    if (schema) {
        std::vector<std::string> missing;
        for (auto& [name, rule] : schema->columns) {
            auto it = index.find(name);
            if (it == index.end())
                missing.push_back(name);
            else
                columns[it->second].emplace(name, rule);
        }
        auto r = table_check(
            "columns", missing.empty() && repeated.empty(),
            fmt::format("all {} present", plural(schema->columns.size(), "declared column")));
        if (!missing.empty())
            r.message = fmt::format("missing {}: {} (the header has: {})",
                                    missing.size() == 1 ? "column" : "columns", join(missing),
                                    join(header));
        else if (!repeated.empty())
            r.message = fmt::format("{} named twice in the header: {}",
                                    repeated.size() == 1 ? "column" : "columns", join(repeated));
        r.violations = missing.size() + repeated.size();
        head.push_back(std::move(r));
        for (auto& key : schema->unique) {
            UniqueKey k;
            k.label = key;
            for (auto& c : split_key(key)) {
                if (auto it = index.find(c); it != index.end())
                    k.columns.push_back(it->second);
                else
                    k.missing.push_back(c);
            }
            keys.push_back(std::move(k));
        }
    }

    std::vector<std::optional<ColumnDrift>> drift(header.size());
    std::vector<CheckResult> lost; // reference columns the table no longer has
    if (spec.reference)
        for (auto& col : spec.reference->columns) {
            if (auto it = index.find(col.name); it != index.end())
                drift[it->second].emplace(col);
            else {
                auto r = table_check("drift", false, "the column is gone (the reference has it)");
                r.column = col.name;
                r.violations = 1;
                lost.push_back(std::move(r));
            }
        }

    FirstSeen rows_seen;
    Tally duplicates;
    std::optional<CheckResult> parse_failure;
    std::vector<std::string_view> row;
    for (;;) {
        auto more = reader.next(row);
        if (!more) {
            parse_failure = table_check("parse", false, more.error().message);
            parse_failure->violations = 1;
            break;
        }
        if (!*more)
            break;
        ++out.rows;
        uint64_t line = reader.line();
        for (size_t i = 0; i < row.size(); ++i) {
            if (columns[i])
                columns[i]->add(row[i], line);
            if (drift[i] && !data::is_null_value(row[i]))
                drift[i]->add(row[i]);
        }
        if (!schema)
            continue;
        if (auto first = rows_seen.insert(hash_fields(row, nullptr), line))
            duplicates.hit(line, fmt::format("repeats line {}", first));
        for (auto& k : keys) {
            if (!k.missing.empty() || k.columns.empty())
                continue;
            bool has_null = false;
            for (size_t c : k.columns)
                has_null = has_null || data::is_null_value(row[c]);
            if (has_null)
                continue;
            if (auto first = k.seen.insert(hash_fields(row, &k.columns), line)) {
                std::string shown;
                for (size_t c : k.columns)
                    shown += (shown.empty() ? "" : ", ") + show_value(row[c]);
                k.tally.hit(line, fmt::format("{} repeats line {}", shown, first));
            }
        }
    }

    if (parse_failure)
        out.checks.push_back(std::move(*parse_failure));
    if (schema) {
        if (schema->rows_min || schema->rows_max) {
            bool ok = (!schema->rows_min || out.rows >= *schema->rows_min) &&
                      (!schema->rows_max || out.rows <= *schema->rows_max);
            auto bounds =
                fmt::format("[{}, {}]", schema->rows_min ? std::to_string(*schema->rows_min) : "0",
                            schema->rows_max ? std::to_string(*schema->rows_max) : "inf");
            auto r = table_check("rows", ok,
                                 fmt::format("{}, {} {}", plural(out.rows, "row"),
                                             ok ? "within" : "outside", bounds));
            r.violations = ok ? 0 : 1;
            head.push_back(std::move(r));
        }
        bool dup_ok = !schema->max_duplicates || duplicates.count <= *schema->max_duplicates;
        auto r = table_check("duplicates", dup_ok, plural(duplicates.count, "duplicate row"));
        if (schema->max_duplicates)
            r.message += fmt::format(", {} allowed", *schema->max_duplicates);
        else if (duplicates.count)
            r.message += " (allowed: set rows.max_duplicates in the schema to limit them)";
        r.violations = duplicates.count;
        r.examples = duplicates.examples;
        head.push_back(std::move(r));
        for (auto& k : keys) {
            CheckResult u = table_check("unique", k.missing.empty() && k.tally.count == 0, "");
            u.column = k.label;
            if (!k.missing.empty()) {
                u.message = fmt::format("no column {} in the table", join(k.missing));
                u.violations = k.missing.size();
            } else {
                u.message = k.tally.count ? plural(k.tally.count, "repeated value")
                                          : "every value is unique";
                u.violations = k.tally.count;
                u.examples = k.tally.examples;
            }
            head.push_back(std::move(u));
        }
    }
    for (auto& r : head)
        out.checks.push_back(std::move(r));
    for (size_t i = 0; i < header.size(); ++i) {
        if (columns[i])
            columns[i]->finish(out.rows, out.checks);
        if (drift[i])
            out.checks.push_back(drift[i]->finish(spec.max_drift));
    }
    for (auto& r : lost)
        out.checks.push_back(std::move(r));
    return out;
}

} // namespace mlci::test
