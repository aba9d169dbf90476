#include <catch2/catch.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/report/svg_chart.hpp>

using namespace mlci;
using namespace mlci::report;

namespace {

// Every element of `e` and below named `name`.
void collect(const junit::XmlElement& e, const std::string& name,
             std::vector<const junit::XmlElement*>& out) {
    if (e.name == name)
        out.push_back(&e);
    for (auto& c : e.children)
        collect(c, name, out);
}

std::vector<const junit::XmlElement*> all(const junit::XmlElement& root, const std::string& name) {
    std::vector<const junit::XmlElement*> out;
    collect(root, name, out);
    return out;
}

} // namespace

TEST_CASE("report/svg_chart: a bar chart is well-formed SVG", "[report][svg]") {
    BarChart c{"Sweep: accuracy per run",
               "accuracy",
               {{"iris:v1 max_depth=2", 0.93}, {"iris:v2 max_depth=4", 0.96, true}},
               {},
               {}};
    auto svg = chart_svg(c);
    auto doc = junit::parse_xml(svg, "chart.svg");
    REQUIRE(doc);
    CHECK(doc->name == "svg");
    CHECK(doc->attribute("xmlns") == "http://www.w3.org/2000/svg");
    auto bars = all(*doc, "rect");
    size_t drawn = 0;
    for (auto* r : bars)
        drawn += r->attribute("class") == "bar";
    CHECK(drawn == 2);
    // Axes: at least the two axis lines and a grid line.
    CHECK(all(*doc, "line").size() >= 3);
    std::string texts;
    for (auto* t : all(*doc, "text"))
        texts += t->text + "\n";
    CHECK(texts.find("Sweep: accuracy per run") != std::string::npos);
    CHECK(texts.find("iris:v1 max_depth=2") != std::string::npos);
    CHECK(texts.find("0.96") != std::string::npos);
}

TEST_CASE("report/svg_chart: labels from artifacts are escaped", "[report][svg]") {
    BarChart c{"<script>alert(1)</script> & \"x\"",
               "psi",
               {{"a<b&c\"d'", 0.3, true}, {"bad \xFF byte", -0.1}},
               0.2,
               "limit <0.2>"};
    auto svg = chart_svg(c);
    CHECK(svg.find("<script>") == std::string::npos);
    auto doc = junit::parse_xml(svg, "chart.svg");
    REQUIRE(doc);
    std::string texts;
    for (auto* t : all(*doc, "text"))
        texts += t->text + "\n";
    CHECK(texts.find("a<b&c\"d'") != std::string::npos); // decoded back by the parser
    CHECK(texts.find("<script>alert(1)</script> & \"x\"") != std::string::npos);
    CHECK(texts.find("bad \xEF\xBF\xBD byte") != std::string::npos);
    CHECK(texts.find("limit <0.2>") != std::string::npos);
}

TEST_CASE("report/svg_chart: an empty chart still parses and says so", "[report][svg]") {
    auto svg = chart_svg(BarChart{"Drift", "PSI", {}, {}, {}});
    auto doc = junit::parse_xml(svg, "empty.svg");
    REQUIRE(doc);
    CHECK(svg.find("no data") != std::string::npos);
}

TEST_CASE("report/svg_chart: nice ticks", "[report][svg]") {
    CHECK(nice_ticks(0, 1, 6) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    auto t = nice_ticks(0, 4.8, 6);
    REQUIRE(!t.empty());
    CHECK(t.front() == 0);
    CHECK(t.back() >= 4.8);
    CHECK(t.size() <= 7);
    auto neg = nice_ticks(-0.1, 0.3, 6);
    CHECK(neg.front() <= -0.1);
    CHECK(neg.back() >= 0.3);
    CHECK(nice_ticks(1, 1, 6) == std::vector<double>{1});
}
