#include <catch2/catch.hpp>
#include <mlci/watch/live_figures.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch live figures: a window counts at once, progress catches up", "[watch]") {
    LiveFigures live;
    CHECK(live.exposition().find("mlci_watch_psi") == std::string::npos);
    Totals t;
    t.events = 40;
    t.lines = 41;
    t.malformed = 1;
    live.progress(t);
    CHECK(live.totals().events == 40);
    CHECK(live.totals().windows == 0);

    WindowResult w;
    w.summary.index = 1;
    FeatureSummary f;
    f.name = "x";
    f.psi = 0.5;
    w.summary.features = {f};
    w.alerts = evaluate({*parse_rule("psi(*) > 0.2")}, w.summary);
    live.window(w);
    // Counted before the watcher's next totals arrive.
    CHECK(live.totals().windows == 1);
    CHECK(live.totals().alerts == 1);
    CHECK(live.totals().events == 40);
    REQUIRE(live.last());
    CHECK(live.last()->summary.index == 1);
    auto text = live.exposition();
    CHECK(text.find("mlci_watch_windows_total 1\n") != std::string::npos);
    CHECK(text.find("mlci_watch_alerts_total 1\n") != std::string::npos);
    CHECK(text.find("mlci_watch_psi{feature=\"x\"} 0.5\n") != std::string::npos);

    // The watcher's totals, which include that window, replace the count.
    t.events = 90;
    t.windows = 1;
    t.alerts = 1;
    live.progress(t);
    CHECK(live.totals().windows == 1);
    CHECK(live.totals().events == 90);
    CHECK(live.exposition().find("mlci_watch_events_total 90\n") != std::string::npos);
}
