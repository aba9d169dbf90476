#include "../test/data_fixture.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/watch/alert_policy.hpp>

using namespace mlci;
using namespace mlci::watch;

namespace {

// Window `index` of 200 events whose feature x has a psi of `psi`, judged by
// the rule psi(*) > 0.2.
WindowResult policy_window(uint64_t index, double psi) {
    WindowResult w;
    w.summary.index = index;
    w.summary.events = 200;
    FeatureSummary f;
    f.name = "x";
    f.psi = psi;
    w.summary.features = {f};
    w.alerts = evaluate({*parse_rule("psi(*) > 0.2")}, w.summary);
    return w;
}

} // namespace

TEST_CASE("watch alert policy: only a window that alerts is stored and notified", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto b = load_baseline(p.store, p.add("data/t.csv", "t"));
    REQUIRE(b);
    ReportContext ctx{"iris", "e.jsonl", "events", 200, {"psi(*) > 0.2"}};
    AlertPolicy policy;
    policy.on_alert.shell = "notify";

    auto quiet = settle_window(p.store, policy_window(1, 0.01), *b, ctx, policy);
    REQUIRE(quiet);
    CHECK(quiet->reference.empty());
    CHECK_FALSE(quiet->notify);
    CHECK(quiet->report["verdict"] == "passed");
    CHECK(quiet->report["window"]["index"] == 1);

    auto loud = settle_window(p.store, policy_window(2, 0.9), *b, ctx, policy);
    REQUIRE(loud);
    CHECK(loud->reference == "watch-iris:v1"); // v1: the quiet window stored nothing
    CHECK(loud->notify);
    CHECK(loud->report["verdict"] == "alert");
    CHECK(loud->report["alerts"][0]["text"] == "psi(x) = 0.9 > 0.2");

    // Without a command there is nothing to notify, but the report is stored.
    auto silent = settle_window(p.store, policy_window(3, 0.9), *b, ctx, AlertPolicy{});
    REQUIRE(silent);
    CHECK(silent->reference == "watch-iris:v2");
    CHECK_FALSE(silent->notify);
}

TEST_CASE("watch alert policy: --always-report stores passing windows too", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto b = load_baseline(p.store, p.add("data/t.csv", "t"));
    REQUIRE(b);
    ReportContext ctx{"every", "e.jsonl", "events", 200, {}};
    AlertPolicy policy;
    policy.always_report = true;
    policy.on_alert.shell = "notify";
    auto out = settle_window(p.store, policy_window(1, 0.01), *b, ctx, policy);
    REQUIRE(out);
    CHECK(out->reference == "watch-every:v1");
    CHECK_FALSE(out->notify); // stored, but it did not alert
}

TEST_CASE("watch alert policy: the --json document of a window", "[watch]") {
    WindowOutcome o;
    o.report = {{"kind", "watch-report"}, {"name", "iris"}, {"verdict", "alert"}};
    auto unstored = to_json(o);
    CHECK(unstored["kind"] == "watch-report");
    CHECK(unstored["verdict"] == "alert");
    CHECK_FALSE(unstored.contains("reference"));
    o.reference = "watch-iris:v3";
    auto stored = to_json(o);
    CHECK(stored["reference"] == "watch-iris:v3");
    CHECK(stored["name"] == "iris");
    CHECK_FALSE(o.report.contains("reference")); // the stored report stays as it was
}
