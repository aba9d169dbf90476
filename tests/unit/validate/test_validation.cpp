#include "run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/validate/validation.hpp>

using namespace mlci;
using namespace mlci::validate;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

namespace {

Criterion crit(std::string_view text) {
    return *parse_criterion(text);
}
RegressionLimit limit(std::string_view text) {
    return *parse_regression_limit(text);
}

RunSummary run_of(store::Store& s, const std::string& status, const nlohmann::json& metrics) {
    return *load_run_summary(s, make_run(s, "model", status, metrics));
}

} // namespace

TEST_CASE("validate/validation: criteria pass and fail", "[validate][validation]") {
    StoreFixture f;
    auto good = run_of(f.store, "succeeded", {{"accuracy", 0.95}, {"f1_macro", 0.94}});
    auto v = evaluate(good, std::nullopt, {crit("accuracy >= 0.9"), crit("f1_macro >= 0.9")}, {});
    CHECK(v.passed);
    CHECK(v.verdict() == "passed");
    REQUIRE(v.criteria.size() == 2);
    CHECK(v.criteria[0].measured == 0.95);
    CHECK(v.criteria[0].message.empty());

    auto weak = run_of(f.store, "succeeded", {{"accuracy", 0.58}, {"f1_macro", 0.45}});
    auto w = evaluate(weak, std::nullopt, {crit("accuracy >= 0.9"), crit("f1_macro >= 0.9")}, {});
    CHECK_FALSE(w.passed);
    CHECK_FALSE(w.criteria[0].passed);
    CHECK(w.criteria[0].message == "accuracy is 0.58, which is not >= 0.9");
}

TEST_CASE("validate/validation: a missing metric fails with the metrics there are",
          "[validate][validation]") {
    StoreFixture f;
    auto run = run_of(f.store, "succeeded", {{"accuracy", 0.95}, {"train", {{"rows", 105}}}});
    auto v = evaluate(run, std::nullopt, {crit("auc >= 0.8")}, {});
    CHECK_FALSE(v.passed);
    CHECK_FALSE(v.criteria[0].measured);
    CHECK_THAT(v.criteria[0].message, Catch::Contains("metric 'auc' is missing from run") &&
                                          Catch::Contains("it has accuracy, train.rows"));
}

TEST_CASE("validate/validation: a run that did not succeed fails the gate",
          "[validate][validation]") {
    StoreFixture f;
    auto run = run_of(f.store, "failed", {{"accuracy", 0.99}});
    auto v = evaluate(run, std::nullopt, {crit("accuracy >= 0.9")}, {});
    CHECK(v.criteria[0].passed);
    CHECK_FALSE(v.status_ok());
    CHECK_FALSE(v.passed);
}

TEST_CASE("validate/validation: regression against a baseline", "[validate][validation]") {
    StoreFixture f;
    auto base = run_of(f.store, "succeeded", {{"accuracy", 0.95}, {"loss", 0.20}});
    auto slightly = run_of(f.store, "succeeded", {{"accuracy", 0.93}, {"loss", 0.22}});
    auto much = run_of(f.store, "succeeded", {{"accuracy", 0.85}, {"loss", 0.40}});

    auto ok = evaluate(slightly, base, {}, {limit("accuracy=0.05"), limit("loss=0.05")});
    CHECK(ok.passed);
    REQUIRE(ok.regressions.size() == 2);
    CHECK(ok.regressions[0].change == Approx(-0.02));
    CHECK(ok.regressions[0].direction == Direction::higher_is_better);
    CHECK(ok.regressions[1].direction == Direction::lower_is_better);

    auto bad = evaluate(much, base, {}, {limit("accuracy=0.05"), limit("loss=0.05")});
    CHECK_FALSE(bad.passed);
    CHECK_FALSE(bad.regressions[0].passed);
    CHECK(bad.regressions[0].message ==
          "accuracy went from 0.95 to 0.85 (-0.1), more than the 0.05 allowed");
    CHECK_FALSE(bad.regressions[1].passed);

    // Exactly the limit passes; a relative limit scales with the baseline.
    auto edge = run_of(f.store, "succeeded", {{"accuracy", 0.90}});
    CHECK(evaluate(edge, base, {}, {limit("accuracy=0.05")}).passed);
    CHECK_FALSE(evaluate(edge, base, {}, {limit("accuracy=5%")}).passed); // 0.0475 allowed
    CHECK(evaluate(edge, base, {}, {limit("accuracy=6%")}).passed);

    // Improvements never fail, whatever the limit.
    CHECK(evaluate(base, much, {}, {limit("accuracy=0"), limit("loss=0")}).passed);

    // A criterion decides the direction over the name.
    auto dir = evaluate(slightly, base, {crit("loss >= 0")}, {limit("loss=0.01")});
    CHECK(dir.regressions[0].direction == Direction::higher_is_better);
    CHECK(dir.passed); // loss rose: an improvement when higher is better

    // Without a baseline, limits are not evaluated.
    CHECK(evaluate(much, std::nullopt, {}, {limit("accuracy=0.01")}).regressions.empty());
}

TEST_CASE("validate/validation: a metric missing from the baseline fails",
          "[validate][validation]") {
    StoreFixture f;
    auto base = run_of(f.store, "succeeded", {{"accuracy", 0.95}});
    auto run = run_of(f.store, "succeeded", {{"accuracy", 0.95}, {"f1", 0.9}});
    auto v = evaluate(run, base, {}, {limit("f1=0.1")});
    CHECK_FALSE(v.passed);
    CHECK_THAT(v.regressions[0].message, Catch::Contains("missing from the baseline"));
}

TEST_CASE("validate/validation: flags replace configured rules on the same metric",
          "[validate][validation]") {
    auto c = merge_criteria({crit("accuracy >= 0.9"), crit("f1 >= 0.9"), crit("accuracy <= 1")},
                            {crit("accuracy >= 0.5"), crit("auc > 0.7")});
    // In mlci.yaml's order, flags in place of what they replace.
    REQUIRE(c.size() == 3);
    CHECK(c[0].text == "accuracy >= 0.5");
    CHECK(c[1].text == "f1 >= 0.9");
    CHECK(c[2].text == "auc > 0.7");
    auto l = merge_limits({limit("accuracy=0.05"), limit("f1=0.1")}, {limit("accuracy=1%")});
    REQUIRE(l.size() == 2);
    CHECK(l[0].metric == "accuracy");
    CHECK(l[0].relative);
    CHECK(l[1].metric == "f1");
    auto two = merge_criteria({crit("a >= 1")}, {crit("a >= 2"), crit("a <= 3")});
    REQUIRE(two.size() == 2);
    CHECK(two[1].text == "a <= 3");
}

TEST_CASE("validate/validation: the stored artifact and its record", "[validate][validation]") {
    StoreFixture f;
    auto base_e =
        make_run(f.store, "model", "succeeded", {{"accuracy", 0.95}}, {"model:production"});
    auto run_e = make_run(f.store, "model", "succeeded", {{"accuracy", 0.85}}, {"model:v2"});
    auto base = *load_run_summary(f.store, base_e);
    auto run = *load_run_summary(f.store, run_e);
    auto v = evaluate(run, base, {crit("accuracy >= 0.9")}, {limit("accuracy=0.05")});
    v.baseline_source = "production";
    auto desc = store_validation(f.store, v, {{"# report", "text/markdown", "report.md"}}, {});
    REQUIRE(desc);
    CHECK(desc->artifact_type == store::k_type_validation);

    auto m = *f.store.read_manifest(desc->digest);
    REQUIRE(m.subject);
    CHECK(m.subject->digest == run_e.descriptor.digest);
    CHECK(m.subject->artifact_type == store::k_type_run);
    CHECK(m.subject->annotations.empty()); // no ref.name of the index
    CHECK(m.annotations.at(k_ann_verdict) == "failed");
    CHECK(m.annotations.at("dev.mlci.lineage.run") == run_e.descriptor.digest.str());
    CHECK(m.annotations.at("dev.mlci.lineage.baseline") == base_e.descriptor.digest.str());
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].annotations.at("org.opencontainers.image.title") == "report.md");

    auto record = nlohmann::json::parse(*f.store.read_blob(m.config.digest));
    CHECK(record["verdict"] == "failed");
    CHECK(record["criteria"][0] ==
          nlohmann::json{{"metric", "accuracy"},
                         {"op", ">="},
                         {"expected", 0.9},
                         {"measured", 0.85},
                         {"passed", false},
                         {"message", "accuracy is 0.85, which is not >= 0.9"}});
    CHECK(record["baseline"]["reference"] == "production");
    CHECK(record["baseline"]["digest"] == base_e.descriptor.digest.str());
    CHECK(record["regressions"][0]["passed"] == false);
    CHECK(record["regressions"][0]["change"].get<double>() == Approx(-0.1));
    CHECK(record["run"]["reference"] == "model:v2");

    // Listed in the index, untagged: gc keeps it.
    auto entries = *f.store.entries();
    CHECK(std::any_of(entries.begin(), entries.end(), [&](auto& e) {
        return e.descriptor.digest == desc->digest && e.tag.empty() &&
               e.descriptor.artifact_type == store::k_type_validation;
    }));
}

TEST_CASE("validate/validation: the --json document is the record and where it went",
          "[validate][validation]") {
    StoreFixture f;
    auto run_e = make_run(f.store, "model", "succeeded", {{"accuracy", 0.95}}, {"model:v1"});
    auto v =
        evaluate(*load_run_summary(f.store, run_e), std::nullopt, {crit("accuracy >= 0.9")}, {});
    auto desc = store_validation(f.store, v, {}, {"model-gate:ci"});
    REQUIRE(desc);
    auto j = result_json(v, "model-gate:ci", desc->digest);
    CHECK(j["reference"] == "model-gate:ci");
    CHECK(j["digest"] == desc->digest.str());
    CHECK(j["kind"] == "validation");
    CHECK(j["verdict"] == "passed");
    CHECK(j["run"]["reference"] == "model:v1");
    CHECK(j["run"]["digest"] == run_e.descriptor.digest.str());
    CHECK(j["criteria"][0]["measured"] == 0.95);
    CHECK(j["baseline"].is_null());
    j.erase("reference");
    j.erase("digest");
    CHECK(j == to_json(v));
}

TEST_CASE("validate/validation: latest_validation finds the newest for a run",
          "[validate][validation]") {
    StoreFixture f;
    auto run_e = make_run(f.store, "model", "succeeded", {{"accuracy", 0.95}});
    auto other_e = make_run(f.store, "other", "succeeded", {{"accuracy", 0.5}});
    auto run = *load_run_summary(f.store, run_e);
    auto other = *load_run_summary(f.store, other_e);

    auto none = latest_validation(f.store, run_e.descriptor.digest);
    REQUIRE(none);
    CHECK_FALSE(*none);

    auto failing = evaluate(run, std::nullopt, {crit("accuracy >= 0.99")}, {});
    failing.created = "2026-01-01T00:00:00Z";
    auto first = *store_validation(f.store, failing, {}, {});
    auto passing = evaluate(run, std::nullopt, {crit("accuracy >= 0.9")}, {});
    passing.created = "2026-01-02T00:00:00Z";
    auto second = *store_validation(f.store, passing, {}, {});
    auto unrelated = evaluate(other, std::nullopt, {}, {});
    unrelated.created = "2026-01-03T00:00:00Z";
    REQUIRE(store_validation(f.store, unrelated, {}, {}));

    auto latest = latest_validation(f.store, run_e.descriptor.digest);
    REQUIRE(latest);
    REQUIRE(*latest);
    CHECK((*latest)->entry.descriptor.digest == second.digest);
    CHECK((*latest)->passed());
    CHECK((*latest)->created == "2026-01-02T00:00:00Z");
    CHECK(first.digest != second.digest);

    // Created in the same second: the later index entry wins.
    auto again = evaluate(run, std::nullopt, {crit("accuracy >= 0.99")}, {});
    again.created = "2026-01-02T00:00:00Z";
    auto third = *store_validation(f.store, again, {}, {});
    latest = latest_validation(f.store, run_e.descriptor.digest);
    CHECK((*latest)->entry.descriptor.digest == third.digest);
    CHECK_FALSE((*latest)->passed());
}
