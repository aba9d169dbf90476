// Reading JUnit XML as test runners write it. There is no one schema: the
// parser takes what the common runners agree on and ignores the rest.
#include <charconv>
#include <mlci/junit/junit.hpp>
#include <mlci/junit/xml.hpp>

namespace mlci::junit {

namespace {

// Strips a namespace prefix: some generators write <ns:testsuite>.
std::string_view local_name(std::string_view name) {
    auto colon = name.rfind(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// "1.25", "1,234.5" (Surefire in some locales writes thousands separators),
// or nothing usable: 0.
double parse_seconds(std::string text) {
    std::erase(text, ',');
    double v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || v < 0 || v != v)
        return 0;
    (void)p;
    return v;
}

std::string trim_lines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    size_t start = 0;
    while (start < s.size() && s[start] == '\n')
        ++start;
    return s.substr(start);
}

// The text of an element and of its children (Jest nests nothing, but some
// generators wrap a traceback in further elements).
std::string all_text(const XmlElement& e) {
    std::string out = e.text;
    for (auto& c : e.children)
        out += all_text(c);
    return out;
}

TestCase parse_case(const XmlElement& e) {
    TestCase c;
    c.name = e.attribute("name");
    c.classname = e.attribute("classname", e.attribute("class"));
    c.file = e.attribute("file");
    c.time = parse_seconds(e.attribute("time"));
    bool decided = false;
    for (auto& child : e.children) {
        auto n = local_name(child.name);
        CaseStatus status;
        if (n == "failure")
            status = CaseStatus::failed;
        else if (n == "error")
            status = CaseStatus::error;
        else if (n == "skipped")
            status = CaseStatus::skipped;
        else {
            if (n == "system-out")
                c.system_out += all_text(child);
            else if (n == "system-err")
                c.system_err += all_text(child);
            continue;
        }
        if (decided)
            continue;
        decided = true;
        c.status = status;
        c.message = child.attribute("message");
        c.type = child.attribute("type");
        c.detail = trim_lines(all_text(child));
        if (c.message.empty() && !c.detail.empty())
            c.message = c.detail.substr(0, c.detail.find('\n'));
    }
    // Some runners (ctest, older Jest) mark a case with an attribute instead.
    if (!decided) {
        auto status = e.attribute("status", e.attribute("result"));
        if (status == "skipped" || status == "notrun" || status == "disabled")
            c.status = CaseStatus::skipped;
        else if (status == "fail" || status == "failed" || status == "failure")
            c.status = CaseStatus::failed;
        else if (status == "error")
            c.status = CaseStatus::error;
    }
    return c;
}

void parse_suite(const XmlElement& e, std::vector<TestSuite>& out) {
    TestSuite s;
    s.name = e.attribute("name");
    s.timestamp = e.attribute("timestamp");
    s.hostname = e.attribute("hostname");
    s.time = parse_seconds(e.attribute("time"));
    std::vector<const XmlElement*> nested;
    for (auto& child : e.children) {
        auto n = local_name(child.name);
        if (n == "testcase")
            s.cases.push_back(parse_case(child));
        else if (n == "testsuite")
            nested.push_back(&child);
        else if (n == "system-out")
            s.system_out += all_text(child);
        else if (n == "system-err")
            s.system_err += all_text(child);
    }
    // A suite that only groups others adds nothing of its own.
    if (!s.cases.empty() || nested.empty())
        out.push_back(std::move(s));
    for (auto* n : nested)
        parse_suite(*n, out);
}

} // namespace

Result<std::vector<TestSuite>> parse_junit(std::string_view text, std::string_view where) {
    MLCI_TRY_ASSIGN(root, parse_xml(text, where));
    std::vector<TestSuite> out;
    auto n = local_name(root.name);
    if (n == "testsuite") {
        parse_suite(root, out);
    } else if (n == "testsuites") {
        TestSuite loose; // cases directly under <testsuites>, which a few tools write
        loose.name = root.attribute("name");
        for (auto& child : root.children) {
            auto c = local_name(child.name);
            if (c == "testsuite")
                parse_suite(child, out);
            else if (c == "testcase")
                loose.cases.push_back(parse_case(child));
        }
        if (!loose.cases.empty())
            out.push_back(std::move(loose));
    } else {
        return usage_error("'{}' is not a JUnit report: its root element is <{}>, not "
                           "<testsuites> or <testsuite>",
                           where, root.name);
    }
    return out;
}

} // namespace mlci::junit
