// The JUnit model: counts and the JSON kept in report artifacts.
#include <mlci/junit/junit.hpp>
#include <mlci/junit/xml.hpp>

namespace mlci::junit {

std::string_view to_string(CaseStatus s) {
    switch (s) {
    case CaseStatus::passed:
        return "passed";
    case CaseStatus::failed:
        return "failed";
    case CaseStatus::error:
        return "error";
    case CaseStatus::skipped:
        return "skipped";
    }
    return "passed";
}

Counts& Counts::operator+=(const Counts& o) {
    tests += o.tests;
    failures += o.failures;
    errors += o.errors;
    skipped += o.skipped;
    time += o.time;
    return *this;
}

Counts TestSuite::counts() const {
    Counts c;
    double case_time = 0;
    for (auto& t : cases) {
        ++c.tests;
        c.failures += t.status == CaseStatus::failed;
        c.errors += t.status == CaseStatus::error;
        c.skipped += t.status == CaseStatus::skipped;
        case_time += t.time;
    }
    c.time = time > 0 ? time : case_time;
    return c;
}

nlohmann::json to_json(const Counts& c) {
    return {{"tests", c.tests},
            {"failures", c.failures},
            {"errors", c.errors},
            {"skipped", c.skipped},
            {"time", c.time}};
}

// Text from test output may hold bytes that are not UTF-8, which JSON cannot
// carry (nlohmann's dump throws on them): cleaned like XML text.
nlohmann::json to_json(const TestCase& c) {
    nlohmann::json j{{"name", clean_text(c.name)},
                     {"classname", clean_text(c.classname)},
                     {"status", to_string(c.status)},
                     {"time", c.time}};
    auto put = [&](const char* key, const std::string& v) {
        if (!v.empty())
            j[key] = clean_text(v);
    };
    put("file", c.file);
    put("message", c.message);
    put("type", c.type);
    put("detail", c.detail);
    put("system_out", c.system_out);
    put("system_err", c.system_err);
    return j;
}

nlohmann::json to_json(const TestSuite& s) {
    nlohmann::json cases = nlohmann::json::array();
    for (auto& c : s.cases)
        cases.push_back(to_json(c));
    nlohmann::json j = to_json(s.counts());
    j["name"] = clean_text(s.name);
    j["cases"] = std::move(cases);
    return j;
}

} // namespace mlci::junit
