#include "../validate/run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/report/validation_report.hpp>

using namespace mlci;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

namespace {

validate::Validation sample(store::Store& s, bool good) {
    nlohmann::json inputs = nlohmann::json::array({{{"name", "iris"},
                                                    {"reference", "iris:v1"},
                                                    {"digest", "sha256:" + std::string(64, 'a')}}});
    auto base = *validate::load_run_summary(s, make_run(s, "iris-classifier", "succeeded",
                                                        {{"accuracy", 0.95}, {"f1|macro", 0.94}},
                                                        {"iris-classifier:production"}));
    auto run = *validate::load_run_summary(
        s, make_run(s, "iris-classifier", "succeeded",
                    {{"accuracy", good ? 0.96 : 0.58},
                     {"f1|macro", good ? 0.95 : 0.45},
                     {"train", {{"rows", 105}}}},
                    {"iris-classifier:v2"},
                    {{"inputs", inputs},
                     {"code",
                      {{"commit", std::string(40, 'c')}, {"branch", "main"}, {"dirty", true}}}}));
    auto v = validate::evaluate(run, base, {*validate::parse_criterion("accuracy >= 0.9")},
                                {*validate::parse_regression_limit("accuracy=0.05")});
    v.baseline_source = "iris-classifier:production";
    return v;
}

} // namespace

TEST_CASE("report/validation report: Markdown for a passing gate", "[report][markdown]") {
    StoreFixture f;
    auto md = report::validation_markdown(sample(f.store, true), "sha256:" + std::string(64, 'b'));
    CHECK_THAT(md, Catch::StartsWith("## ✅ Model validation passed"));
    CHECK_THAT(md, Catch::Contains("| Criterion | Expected | Measured | Verdict |"));
    CHECK_THAT(md, Catch::Contains("| status | succeeded | succeeded | ✅ pass |"));
    CHECK_THAT(md, Catch::Contains("| `accuracy` | >= 0.9 | 0.96 | ✅ pass |"));
    CHECK_THAT(md, Catch::Contains("| `accuracy` | 0.95 | 0.96 | +0.01 | - 0.05 | ✅ pass |"));
    // Every metric of either run, with the change; '|' in a name is escaped.
    CHECK_THAT(md, Catch::Contains("| `f1\\|macro` | 0.95 | 0.94 | +0.01 |"));
    CHECK_THAT(md, Catch::Contains("| `train.rows` | 105 | - | - |"));
    // Lineage: run -> code and inputs, the baseline, this validation.
    CHECK_THAT(md, Catch::Contains("- run `iris-classifier` `sha256:"));
    CHECK_THAT(
        md, Catch::Contains("  - code: git `cccccccccccc` on `main` (with uncommitted changes)"));
    CHECK_THAT(md, Catch::Contains("  - input `iris` `iris:v1` `sha256:aaaaaaaaaaaa`"));
    CHECK_THAT(md, Catch::Contains("- this validation: `sha256:bbbb"));
    CHECK_THAT(md, !Catch::Contains("Why it failed"));
}

TEST_CASE("report/validation report: Markdown for a failing gate says why", "[report][markdown]") {
    StoreFixture f;
    auto md = report::validation_markdown(sample(f.store, false), "");
    CHECK_THAT(md, Catch::StartsWith("## ❌ Model validation **failed**"));
    CHECK_THAT(md, Catch::Contains("| `accuracy` | >= 0.9 | 0.58 | ❌ **fail** |"));
    CHECK_THAT(md, Catch::Contains("### Why it failed"));
    CHECK_THAT(md, Catch::Contains("- accuracy is 0.58, which is not >= 0.9"));
    CHECK_THAT(md, Catch::Contains("- accuracy went from 0.95 to 0.58 (-0.37), more than the 0.05 "
                                   "allowed"));
    CHECK_THAT(md, !Catch::Contains("this validation"));
}

TEST_CASE("report/validation report: a JUnit case per criterion", "[report][junit]") {
    StoreFixture f;
    auto suite = report::validation_suite(sample(f.store, false));
    REQUIRE(suite.cases.size() == 3);
    CHECK(suite.cases[0].name == "status == succeeded");
    CHECK(suite.cases[0].status == junit::CaseStatus::passed);
    CHECK(suite.cases[1].name == "accuracy >= 0.9");
    CHECK(suite.cases[1].status == junit::CaseStatus::failed);
    CHECK(suite.cases[1].message == "accuracy is 0.58, which is not >= 0.9");
    CHECK(suite.cases[2].classname == "validate.regression");
    CHECK(suite.cases[2].status == junit::CaseStatus::failed);
    auto xml = junit::write_junit({suite}, "mlci validate");
    auto back = junit::parse_junit(xml, "v.xml");
    REQUIRE(back);
    CHECK((*back)[0].counts().failures == 2);
}
