#include <algorithm>
#include <mlci/junit/xml.hpp>
#include <mlci/test/result.hpp>

namespace mlci::test {

std::string_view to_string(Outcome o) {
    switch (o) {
    case Outcome::passed:
        return "passed";
    case Outcome::failed:
        return "failed";
    case Outcome::skipped:
        return "skipped";
    }
    return "passed";
}

std::string CheckResult::title() const {
    return column.empty() ? check : column + ": " + check;
}

bool FileCheck::passed() const {
    return std::none_of(checks.begin(), checks.end(), [](auto& c) { return c.failed(); });
}

bool DatasetCheck::passed() const {
    return std::all_of(files.begin(), files.end(), [](auto& f) { return f.passed(); });
}

size_t DatasetCheck::failures() const {
    size_t n = 0;
    for (auto& f : files)
        n += static_cast<size_t>(
            std::count_if(f.checks.begin(), f.checks.end(), [](auto& c) { return c.failed(); }));
    return n;
}

// CSV fields are bytes; JSON wants UTF-8, so text from the data is cleaned.
nlohmann::json to_json(const CheckResult& r) {
    nlohmann::json examples = nlohmann::json::array();
    for (auto& e : r.examples)
        examples.push_back(junit::clean_text(e));
    nlohmann::json j{{"check", r.check},
                     {"outcome", to_string(r.outcome)},
                     {"message", junit::clean_text(r.message)},
                     {"violations", r.violations},
                     {"examples", std::move(examples)}};
    if (!r.column.empty())
        j["column"] = junit::clean_text(r.column);
    if (!r.stats.is_null())
        j["stats"] = r.stats;
    return j;
}

nlohmann::json to_json(const DatasetCheck& d) {
    nlohmann::json files = nlohmann::json::array();
    for (auto& f : d.files) {
        nlohmann::json checks = nlohmann::json::array();
        for (auto& c : f.checks)
            checks.push_back(to_json(c));
        files.push_back({{"path", f.path},
                         {"digest", f.digest.str()},
                         {"rows", f.rows},
                         {"passed", f.passed()},
                         {"checks", std::move(checks)}});
    }
    nlohmann::json j{{"dataset", d.name},
                     {"label", d.label},
                     {"reference", d.reference},
                     {"digest", d.digest.str()},
                     {"schema", d.schema_source.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(d.schema_source)},
                     {"passed", d.passed()},
                     {"files", std::move(files)},
                     {"notes", d.notes}};
    if (!d.drift_reference.empty())
        j["drift"] = {{"reference", d.drift_reference},
                      {"digest", d.drift_digest.str()},
                      {"max_psi", d.max_drift}};
    return j;
}

junit::TestSuite to_suite(const DatasetCheck& d) {
    junit::TestSuite s;
    s.name = "data: " + (d.name.empty() ? d.label : d.name);
    for (auto& f : d.files)
        for (auto& c : f.checks) {
            junit::TestCase t;
            t.classname = "data." + (d.name.empty() ? d.label : d.name);
            // The file only when there are several: "sepal_length: range" reads better.
            t.name = d.files.size() > 1 ? f.path + ": " + c.title() : c.title();
            t.file = f.path;
            t.system_out = c.message;
            if (c.outcome == Outcome::failed) {
                t.status = junit::CaseStatus::failed;
                t.type = "mlci.data." + c.check;
                t.message = c.message;
            } else if (c.outcome == Outcome::skipped) {
                t.status = junit::CaseStatus::skipped;
                t.message = c.message;
            }
            for (auto& e : c.examples)
                t.detail += e + "\n";
            if (t.status == junit::CaseStatus::passed && !t.detail.empty())
                t.system_out += "\n" + t.detail;
            s.cases.push_back(std::move(t));
        }
    if (s.cases.empty()) {
        // A suite with no cases reads as "nothing ran" in CI widgets; say why.
        junit::TestCase t;
        t.classname = "data." + d.name;
        t.name = "checks";
        t.status = junit::CaseStatus::skipped;
        t.message = d.notes.empty() ? "nothing to check" : d.notes.front();
        s.cases.push_back(std::move(t));
    }
    return s;
}

} // namespace mlci::test
