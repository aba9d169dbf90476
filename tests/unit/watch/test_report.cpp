#include "../test/data_fixture.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/watch/report.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch: a report is stored with the baseline as its subject", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto ds = p.add("data/t.csv", "t");
    auto b = load_baseline(p.store, ds);
    REQUIRE(b);

    WindowResult w;
    w.summary.index = 3;
    w.summary.events = 1000;
    FeatureSummary f;
    f.name = "x";
    f.psi = 0.93;
    w.summary.features = {f};
    w.alerts = evaluate({*parse_rule("psi(*) > 0.2")}, w.summary);
    REQUIRE(w.alerts.size() == 1);
    ReportContext ctx{"Iris Prod", "events.jsonl", "events", 1000, {"psi(*) > 0.2"}};
    auto doc = to_json(w, *b, ctx);
    CHECK(doc["verdict"] == "alert");
    CHECK(doc["window"]["index"] == 3);
    CHECK(doc["features"][0]["psi"] == 0.93);
    CHECK(doc["features"][0]["ks"].is_null()); // NaN: no value
    CHECK(doc["alerts"][0]["text"] == "psi(x) = 0.93 > 0.2");

    auto stored = store_report(p.store, doc, *b, ctx.name);
    REQUIRE(stored);
    CHECK(stored->second == "watch-iris-prod:v1");
    auto m = p.store.read_manifest(stored->first.digest);
    REQUIRE(m);
    CHECK(m->artifact_type == store::k_type_watch_report);
    REQUIRE(m->subject);
    CHECK(m->subject->digest == ds.descriptor.digest);
    CHECK(m->annotations.at("dev.mlci.verdict") == "alert");
    CHECK(m->annotations.at(store::k_ann_kind) == "watch-report");
    auto again = store_report(p.store, doc, *b, ctx.name);
    REQUIRE(again);
    CHECK(again->second == "watch-iris-prod:v2");
}
