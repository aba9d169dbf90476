// Writing JUnit XML for CI widgets. GitLab reads testsuite/testcase with
// classname, name, file, time and failure/error/skipped plus system-out;
// Jenkins' JUnit plugin reads the same and wants the counts on each suite.
#include <fmt/format.h>
#include <mlci/junit/junit.hpp>
#include <mlci/junit/xml.hpp>

namespace mlci::junit {

namespace {

// Seconds with millisecond precision, no exponent: every reader parses it.
std::string seconds(double t) {
    return fmt::format("{:.3f}", t < 0 ? 0 : t);
}

void counts_attributes(std::string& out, const Counts& c) {
    out += fmt::format(R"( tests="{}" failures="{}" errors="{}" skipped="{}" time="{}")", c.tests,
                       c.failures, c.errors, c.skipped, seconds(c.time));
}

void write_case(std::string& out, const TestCase& c) {
    out += fmt::format(R"(    <testcase name="{}" classname="{}")", xml_attribute(c.name),
                       xml_attribute(c.classname));
    if (!c.file.empty())
        out += fmt::format(R"( file="{}")", xml_attribute(c.file));
    out += fmt::format(R"( time="{}")", seconds(c.time));
    bool body = c.status != CaseStatus::passed || !c.system_out.empty() || !c.system_err.empty();
    if (!body) {
        out += "/>\n";
        return;
    }
    out += ">\n";
    if (c.status != CaseStatus::passed) {
        auto tag = c.status == CaseStatus::failed  ? "failure"
                   : c.status == CaseStatus::error ? "error"
                                                   : "skipped";
        out += fmt::format(R"(      <{} message="{}")", tag, xml_attribute(c.message));
        if (!c.type.empty())
            out += fmt::format(R"( type="{}")", xml_attribute(c.type));
        if (c.detail.empty())
            out += "/>\n";
        else
            out += fmt::format(">{}</{}>\n", xml_text(c.detail), tag);
    }
    if (!c.system_out.empty())
        out += fmt::format("      <system-out>{}</system-out>\n", xml_text(c.system_out));
    if (!c.system_err.empty())
        out += fmt::format("      <system-err>{}</system-err>\n", xml_text(c.system_err));
    out += "    </testcase>\n";
}

} // namespace

std::string write_junit(const std::vector<TestSuite>& suites, std::string_view name) {
    Counts total;
    for (auto& s : suites)
        total += s.counts();
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format(R"(<testsuites name="{}")", xml_attribute(name));
    counts_attributes(out, total);
    out += ">\n";
    for (size_t i = 0; i < suites.size(); ++i) {
        auto& s = suites[i];
        out += fmt::format(R"(  <testsuite name="{}" id="{}")", xml_attribute(s.name), i);
        counts_attributes(out, s.counts());
        if (!s.timestamp.empty())
            out += fmt::format(R"( timestamp="{}")", xml_attribute(s.timestamp));
        if (!s.hostname.empty())
            out += fmt::format(R"( hostname="{}")", xml_attribute(s.hostname));
        out += ">\n";
        for (auto& c : s.cases)
            write_case(out, c);
        if (!s.system_out.empty())
            out += fmt::format("    <system-out>{}</system-out>\n", xml_text(s.system_out));
        if (!s.system_err.empty())
            out += fmt::format("    <system-err>{}</system-err>\n", xml_text(s.system_err));
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace mlci::junit
