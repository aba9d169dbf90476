#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/report/markdown.hpp>
#include <mlci/report/validation_report.hpp>
#include <set>

namespace mlci::report {

namespace {

std::string mark(bool passed) {
    return passed ? "✅ pass" : "❌ **fail**";
}

std::string short_digest(const hash::Digest& d) {
    return "sha256:" + d.short_hex(12);
}

void lineage(std::string& out, const validate::Validation& v, const std::string& validation_ref) {
    auto& rec = v.run.record;
    out += "\n### Lineage\n\n";
    out +=
        fmt::format("- run {} {}\n", markdown_code(v.run.name.empty() ? "(unnamed)" : v.run.name),
                    markdown_code(short_digest(v.run.entry.descriptor.digest)));
    // Train records the code version under "code" (or "git"); either may be absent.
    for (auto key : {"code", "git"}) {
        auto it = rec.find(key);
        if (it == rec.end() || !it->is_object())
            continue;
        auto commit = validate::json_string(*it, "commit");
        if (commit.empty())
            continue;
        auto branch = validate::json_string(*it, "branch");
        auto d = it->find("dirty");
        bool dirty = d != it->end() && d->is_boolean() && d->get<bool>();
        out += fmt::format("  - code: git {}{}{}\n", markdown_code(commit.substr(0, 12)),
                           branch.empty() ? "" : " on " + markdown_code(branch),
                           dirty ? " (with uncommitted changes)" : "");
        break;
    }
    if (auto it = rec.find("inputs"); it != rec.end() && it->is_array())
        for (auto& in : *it) {
            if (!in.is_object())
                continue;
            auto name = validate::json_string(in, "name");
            auto ref = validate::json_string(in, "reference");
            auto digest = validate::json_string(in, "digest");
            out += fmt::format("  - input {}", markdown_code(name.empty() ? "(unnamed)" : name));
            if (!ref.empty() && ref != name)
                out += " " + markdown_code(ref);
            if (auto d = hash::Digest::parse(digest))
                out += " " + markdown_code(short_digest(*d));
            out += "\n";
        }
    if (v.baseline)
        out += fmt::format(
            "- baseline run {} {}\n",
            markdown_code(v.baseline->name.empty() ? v.baseline->reference() : v.baseline->name),
            markdown_code(short_digest(v.baseline->entry.descriptor.digest)));
    if (!validation_ref.empty())
        out += fmt::format("- this validation: {}\n", markdown_code(validation_ref));
}

} // namespace

std::string validation_markdown(const validate::Validation& v, const std::string& validation_ref) {
    std::string out;
    out += fmt::format("## {} Model validation {}\n\n", v.passed ? "✅" : "❌",
                       v.passed ? "passed" : "**failed**");
    out += fmt::format("**Run** {} {} — status {}\n",
                       markdown_code(v.run.name.empty() ? "(unnamed)" : v.run.name),
                       markdown_code(v.run.reference()),
                       markdown_code(v.run.status.empty() ? "unknown" : v.run.status));
    if (v.baseline)
        out += fmt::format(
            "\n**Baseline** {} {}\n",
            markdown_code(v.baseline_source.empty() ? v.baseline->reference() : v.baseline_source),
            markdown_code(short_digest(v.baseline->entry.descriptor.digest)));

    out += "\n### Criteria\n\n| Criterion | Expected | Measured | Verdict |\n|---|---|---|---|\n";
    out += fmt::format("| status | succeeded | {} | {} |\n", markdown_cell(v.run.status),
                       mark(v.status_ok()));
    for (auto& c : v.criteria)
        out += fmt::format("| {} | {} {} | {} | {} |\n", markdown_code(c.criterion.metric),
                           validate::to_string(c.criterion.op), human_number(c.criterion.value),
                           c.measured ? human_number(*c.measured) : "missing", mark(c.passed));

    if (!v.regressions.empty()) {
        out += "\n### Regression against the baseline\n\n"
               "| Metric | Baseline | This run | Change | Allowed | Verdict |\n"
               "|---|---|---|---|---|---|\n";
        for (auto& r : v.regressions)
            out +=
                fmt::format("| {} | {} | {} | {} | {} {} | {} |\n", markdown_code(r.limit.metric),
                            human_number(r.baseline), human_number(r.measured),
                            r.baseline && r.measured ? human_change(r.change) : "-",
                            r.direction == validate::Direction::higher_is_better ? "-" : "+",
                            human_number(r.allowed), mark(r.passed));
    }

    std::set<std::string> names;
    for (auto& [k, x] : v.run.metrics)
        names.insert(k);
    if (v.baseline)
        for (auto& [k, x] : v.baseline->metrics)
            names.insert(k);
    if (!names.empty()) {
        out +=
            v.baseline
                ? "\n### Metrics\n\n| Metric | This run | Baseline | Change |\n|---|---|---|---|\n"
                : "\n### Metrics\n\n| Metric | This run |\n|---|---|\n";
        for (auto& n : names) {
            std::optional<double> m, b;
            if (auto it = v.run.metrics.find(n); it != v.run.metrics.end())
                m = it->second;
            if (v.baseline)
                if (auto it = v.baseline->metrics.find(n); it != v.baseline->metrics.end())
                    b = it->second;
            if (v.baseline)
                out += fmt::format("| {} | {} | {} | {} |\n", markdown_code(n), human_number(m),
                                   human_number(b), m && b ? human_change(*m - *b) : "-");
            else
                out += fmt::format("| {} | {} |\n", markdown_code(n), human_number(m));
        }
    }
    std::vector<std::string> reasons;
    if (!v.status_ok())
        reasons.push_back(fmt::format("the run's status is '{}', not 'succeeded'", v.run.status));
    for (auto& c : v.criteria)
        if (!c.passed)
            reasons.push_back(c.message);
    for (auto& r : v.regressions)
        if (!r.passed)
            reasons.push_back(r.message);
    if (!reasons.empty()) {
        out += "\n### Why it failed\n\n";
        for (auto& r : reasons)
            out += "- " + markdown_cell(r) + "\n";
    }
    lineage(out, v, validation_ref);
    out += fmt::format("\n<sub>mlci {} · {}</sub>\n", MLCI_VERSION, v.created);
    return out;
}

junit::TestSuite validation_suite(const validate::Validation& v) {
    junit::TestSuite s;
    s.name = "mlci validate " + (v.run.name.empty() ? v.run.reference() : v.run.name);
    s.timestamp = v.created;
    junit::TestCase status;
    status.classname = "validate.status";
    status.name = "status == succeeded";
    if (!v.status_ok()) {
        status.status = junit::CaseStatus::failed;
        status.message = fmt::format("the run's status is '{}', not 'succeeded'", v.run.status);
    }
    s.cases.push_back(status);
    for (auto& c : v.criteria) {
        junit::TestCase t;
        t.classname = "validate.criteria";
        t.name = fmt::format("{} {} {}", c.criterion.metric, validate::to_string(c.criterion.op),
                             human_number(c.criterion.value));
        t.system_out = fmt::format("measured: {}",
                                   c.measured ? human_number(*c.measured) : std::string("missing"));
        if (!c.passed) {
            t.status = junit::CaseStatus::failed;
            t.message = c.message;
        }
        s.cases.push_back(std::move(t));
    }
    for (auto& r : v.regressions) {
        junit::TestCase t;
        t.classname = "validate.regression";
        t.name = fmt::format("{} regression <= {}", r.limit.metric, human_number(r.allowed));
        t.system_out = fmt::format("baseline: {}, measured: {}", human_number(r.baseline),
                                   human_number(r.measured));
        if (!r.passed) {
            t.status = junit::CaseStatus::failed;
            t.message = r.message;
        }
        s.cases.push_back(std::move(t));
    }
    return s;
}

} // namespace mlci::report
