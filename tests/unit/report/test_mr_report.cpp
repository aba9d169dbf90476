#include <catch2/catch.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/report/markdown.hpp>
#include <mlci/report/mr_report.hpp>

using namespace mlci;
using namespace mlci::report;

TEST_CASE("report/mr_report: metric changes get arrows and signs", "[report][mr]") {
    CHECK(delta_text({"accuracy", 0.96, 0.95}).starts_with("\xE2\x96\xB2 +0.01"));
    CHECK(delta_text({"loss", 0.2, 0.3}).starts_with("\xE2\x96\xBC -0.1"));
    CHECK(delta_text({"rows", 105, 105}) == "= 0");
    CHECK(delta_text({"new", 1, std::nullopt}).empty());
    CHECK(delta_text({"gone", std::nullopt, 1}).empty());
    CHECK(trend_of({"a", 2, 1}) == Trend::up);
    CHECK(trend_of({"a", 1, 2}) == Trend::down);
    CHECK(trend_of({"a", 0.1 + 0.2, 0.3}) == Trend::same);
    CHECK(trend_of({"a", std::nullopt, std::nullopt}) == Trend::unknown);
}

TEST_CASE("report/mr_report: Markdown escaping", "[report][mr]") {
    CHECK(markdown_escape("iris-classifier:v3") == "iris-classifier:v3");
    CHECK(markdown_escape("0.95") == "0.95");
    CHECK(markdown_escape("max_depth") == "max\\_depth");
    CHECK(markdown_escape("a|b") == "a\\|b");
    CHECK(markdown_escape("*bold* `code` [link](x) ![img](y)") ==
          "\\*bold\\* \\`code\\` \\[link\\]\\(x\\) \\!\\[img\\]\\(y\\)");
    CHECK(markdown_escape("<img src=x onerror=alert(1)>") ==
          "&lt;img src=x onerror=alert\\(1\\)&gt;");
    CHECK(markdown_escape("a & b") == "a &amp; b");
    CHECK(markdown_escape("# heading\nline") == "\\# heading line");
    CHECK(markdown_escape("back\\slash") == "back\\\\slash");
    CHECK(markdown_escape("bad \xFF") == "bad \xEF\xBF\xBD");
}

TEST_CASE("report/mr_report: HTML escaping", "[report][mr]") {
    CHECK(html_escape("plain text") == "plain text");
    CHECK(html_escape("<script>alert('x')</script>") ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(html_escape("a=\"1\" & b") == "a=&quot;1&quot; &amp; b");
    CHECK(html_escape("\x1b[31mred\x1b[0m") == "red");
}

namespace {

MrReport sample_report() {
    MrReport r;
    r.run = {"evil<b>:v1", "sha256:" + std::string(64, 'a')};
    r.name = "evil<b>|name";
    r.status = "succeeded";
    r.validation =
        ValidationSummary{{"sha256:" + std::string(64, 'b'), "sha256:" + std::string(64, 'b')},
                          "failed",
                          "2026-01-01T00:00:00Z",
                          {{"accuracy", ">= 0.9", "0.85", false}}};
    r.baseline = ArtifactRef{"base:v1", "sha256:" + std::string(64, 'c')};
    r.baseline_source = "--baseline base:v1";
    r.metrics = {{"accuracy", 0.85, 0.9}, {"f1|x", 0.8, 0.7}};
    r.params = {{"lr", "0.1", "0.01"}, {"note", "<i>\"hi\"</i>", "<i>\"hi\"</i>"}};
    DatasetRow d;
    d.name = "iris";
    d.version = {"iris:v2", "sha256:" + std::string(64, 'd')};
    d.baseline = ArtifactRef{"iris:v1", "sha256:" + std::string(64, 'e')};
    d.rows = 75;
    d.baseline_rows = 150;
    d.files = {{"data/iris.csv", "changed", 3858, 1960}};
    d.drift = {{"data/iris.csv", "sepal_length", 0.5}, {"data/iris.csv", "species", 0.01}};
    r.datasets.push_back(d);
    r.lineage.root = r.run.digest;
    r.lineage.nodes[r.run.digest] = {r.run.digest, "run", "evil<b>:v1", "", "succeeded", "", false};
    r.lineage.nodes[d.version.digest] = {d.version.digest, "dataset", "iris:v2", "", "", "", false};
    r.lineage.edges.push_back({d.version.digest, r.run.digest, "inputs"});
    r.sweep = SweepSummary{
        "accuracy", "annotation", {{"a:v1", "lr=0.1", 0.85, true}, {"a:v2", "lr=1", 0.8, false}}};
    return r;
}

} // namespace

TEST_CASE("report/mr_report: the Markdown page has every section", "[report][mr]") {
    auto r = sample_report();
    auto plots = make_plots(r);
    REQUIRE(!plots.sweep_svg.empty());
    REQUIRE(!plots.drift_svg.empty());
    REQUIRE(junit::parse_xml(plots.sweep_svg, "sweep.svg"));
    REQUIRE(junit::parse_xml(plots.drift_svg, "drift.svg"));
    plots.sweep_link = "report-sweep.svg";
    plots.drift_link = "report-drift.svg";
    auto md = report_markdown(r, plots);
    CHECK(md.find("## mlci report: evil&lt;b&gt;\\|name") != std::string::npos);
    CHECK(md.find("❌ **failed**") != std::string::npos);
    CHECK(md.find("| accuracy | 0.85 | 0.9 | \xE2\x96\xBC -0.05 |") != std::string::npos);
    CHECK(md.find("| f1\\|x | 0.8 | 0.7 | \xE2\x96\xB2 +0.1 |") != std::string::npos);
    CHECK(md.find("| lr | 0.1 | 0.01 |") != std::string::npos);
    CHECK(md.find("| note |") == std::string::npos); // unchanged params are left out
    CHECK(md.find("75 (baseline 150)") != std::string::npos);
    CHECK(md.find("```mermaid\nflowchart LR\n") != std::string::npos);
    CHECK(md.find("evil#lt;b#gt;:v1") != std::string::npos);
    CHECK(md.find("-->|inputs|") != std::string::npos);
    CHECK(md.find("](report-sweep.svg)") != std::string::npos);
    CHECK(md.find("](report-drift.svg)") != std::string::npos);
    // Outside code spans (where Markdown shows text as it is) no markup gets through.
    std::string outside;
    bool in_code = false;
    for (char c : md)
        if (c == '`')
            in_code = !in_code;
        else if (!in_code)
            outside += c;
    CHECK(outside.find("<b>") == std::string::npos);
    CHECK(md.find("`evil<b>:v1`") != std::string::npos);
}

TEST_CASE("report/mr_report: the HTML page escapes and inlines", "[report][mr]") {
    auto r = sample_report();
    auto html = report_html(r, make_plots(r));
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("<i>") == std::string::npos);
    CHECK(html.find("evil&lt;b&gt;|name") != std::string::npos);
    CHECK(html.find("&lt;i&gt;&quot;hi&quot;&lt;/i&gt;") != std::string::npos);
    CHECK(html.find("class=\"badge failed\"") != std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg")); // only namespaces
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<pre class=\"mermaid\">flowchart LR") != std::string::npos);
    auto lineage = lineage_svg(r.lineage);
    auto doc = junit::parse_xml(lineage, "lineage.svg");
    REQUIRE(doc);
    CHECK(lineage.find("iris:v2") != std::string::npos);
    CHECK(lineage.find("evil&lt;b&gt;:v1") != std::string::npos);
}

TEST_CASE("report/mr_report: the JSON has the same facts", "[report][mr]") {
    auto j = to_json(sample_report(), {"out/report.md", "out/report-sweep.svg"});
    CHECK(j["verdict"] == "failed");
    CHECK(j["metrics"][0]["trend"] == "down");
    CHECK(j["datasets"][0]["drift"].size() == 2);
    CHECK(j["sweep"]["runs"][0]["current"] == true);
    // The files the command wrote, the page first.
    CHECK(j["files"] == nlohmann::json::array({"out/report.md", "out/report-sweep.svg"}));
    // A page on standard output: no file, an empty list.
    CHECK(to_json(sample_report(), {})["files"] == nlohmann::json::array());
    // A metric missing on either side has no trend and no change: null.
    auto r = sample_report();
    r.baseline.reset();
    r.metrics = {{"accuracy", 0.85, std::nullopt}, {"loss", std::nullopt, 0.3}};
    auto lone = to_json(r, {});
    CHECK(lone["baseline"].is_null());
    CHECK(lone["metrics"][0]["trend"].is_null());
    CHECK(lone["metrics"][0]["change"].is_null());
    CHECK(lone["metrics"][0]["value"] == 0.85);
    CHECK(lone["metrics"][1]["trend"].is_null());
    CHECK(lone["metrics"][1]["baseline"] == 0.3);
}
