#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/watch/lines.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch lines: a window, its alerts and the totals", "[watch]") {
    WindowResult w;
    w.summary.index = 3;
    w.summary.events = 1000;
    w.summary.malformed = 2;
    FeatureSummary a, b, c;
    a.name = "x";
    a.psi = 0.05;
    b.name = "color";
    b.psi = 0.93;
    c.name = "never"; // no psi: not a candidate
    w.summary.features = {a, b, c};
    CHECK(window_line(w) == "window 3: 1000 events, 2 malformed, max psi 0.93 (color), 0 "
                            "alerts");
    w.summary.accuracy = 0.875;
    w.alerts = evaluate({*parse_rule("psi(*) > 0.2")}, w.summary);
    REQUIRE(w.alerts.size() == 1);
    CHECK(window_line(w) == "window 3: 1000 events, 2 malformed, max psi 0.93 (color), "
                            "accuracy 0.875, 1 alert");
    CHECK(alert_line(w.alerts[0], w.summary) ==
          "alert: psi(color) = 0.93 > 0.2 (window 3, 1000 events)");

    WindowResult empty;
    empty.summary.index = 1;
    CHECK(window_line(empty) == "window 1: 0 events, 0 malformed, 0 alerts");

    Totals t;
    t.events = 5000;
    t.malformed = 7;
    t.windows = 5;
    t.alerts = 2;
    CHECK(totals_line(t) == "5000 events, 7 malformed lines, 5 windows, 2 alerts");
}

TEST_CASE("watch lines: what is watched against what", "[watch]") {
    auto b = testing::baseline_of(testing::sample_csv());
    WindowOptions w;
    w.events = 500;
    auto line = watching_line("e.jsonl", b, w);
    CHECK_THAT(line, Catch::StartsWith("watching e.jsonl against dataset '"));
    CHECK_THAT(line, Catch::Contains("(t.csv of "));
    CHECK_THAT(line, Catch::EndsWith(", 2 features, target y), windows of 500 events"));
    w.events = 0;
    w.seconds = 30;
    CHECK_THAT(watching_line("-", b, w), Catch::EndsWith("), windows of 30s"));
    w.seconds = 0;
    b.target.clear();
    CHECK_THAT(watching_line("-", b, w),
               Catch::EndsWith(", 2 features), one window of every event"));
}
