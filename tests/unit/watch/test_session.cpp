#include "../test/data_fixture.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/core/fs.hpp>
#include <mlci/watch/session.hpp>

using namespace mlci;
using namespace mlci::watch;

namespace {

// What a session said, line by line.
struct SessionLog {
    std::vector<std::string> notes, warnings, alerts;
    std::vector<WindowOutcome> windows;
    SessionOutput output() {
        SessionOutput o;
        o.note = [this](const std::string& l) { notes.push_back(l); };
        o.warn = [this](const std::string& l) { warnings.push_back(l); };
        o.alert = [this](const std::string& l) { alerts.push_back(l); };
        o.window = [this](const WindowOutcome& w) { windows.push_back(w); };
        return o;
    }
    bool noted(const std::string& text) const {
        for (auto& n : notes)
            if (n.find(text) != std::string::npos)
                return true;
        return false;
    }
};

// 100 events whose x is far beyond the baseline's 0..99, and a malformed line.
std::filesystem::path drifted_events(const testing::Project& p) {
    std::string lines;
    for (int i = 0; i < 100; ++i)
        lines +=
            fmt::format(R"({{"features":{{"x":{},"color":"red"}},"prediction":"yes"}})", 500 + i) +
            "\n";
    return p.write("e.jsonl", lines + "not an event\n");
}

} // namespace

TEST_CASE("watch session: --once alerts, stores the report and runs the hook", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto b = load_baseline(p.store, p.add("data/t.csv", "t"));
    REQUIRE(b);
    WatchFlags f;
    f.events = drifted_events(p).string();
    f.baseline = "t";
    f.once = true;
    f.rules = {"psi(x) > 0.2"};
    f.on_alert = "printf '%s' \"$MLCI_WATCH_REPORT\" > '" + (p.dir / "hook.txt").string() + "'";
    auto s = resolve(f, std::nullopt);
    REQUIRE(s);

    SessionLog log;
    auto r = run_session(
        p.store, *s, *b, [] { return false; }, log.output());
    REQUIRE(r);
    CHECK(r->alerted);
    CHECK(r->totals.events == 100);
    CHECK(r->totals.malformed == 1);
    CHECK(r->totals.windows == 1);
    REQUIRE(log.windows.size() == 1);
    auto& w = log.windows[0];
    CHECK(w.reference == "watch-t:v1");
    CHECK(w.report["verdict"] == "alert");
    CHECK(w.report["window"]["events"] == 100);
    CHECK(w.report["window"]["kind"] == "all");
    REQUIRE(log.alerts.size() == 1);
    CHECK_THAT(log.alerts[0], Catch::StartsWith("alert: psi(x) = "));
    CHECK_THAT(log.alerts[0], Catch::EndsWith("(window 1, 100 events)"));
    CHECK(log.noted("watching " + f.events.value() + " against dataset"));
    CHECK(log.noted("window 1: 100 events, 1 malformed"));
    CHECK(log.noted("100 events, 1 malformed line, 1 window, 1 alert"));
    REQUIRE(log.warnings.size() == 1);
    CHECK_THAT(log.warnings[0], Catch::Contains(": line 101: "));
    auto hook = read_file(p.dir / "hook.txt");
    REQUIRE(hook);
    CHECK(*hook == "watch-t:v1");
}

TEST_CASE("watch session: a passing window is reported, not stored", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto b = load_baseline(p.store, p.add("data/t.csv", "t"));
    REQUIRE(b);
    WatchFlags f;
    f.events = drifted_events(p).string();
    f.baseline = "t";
    f.once = true;
    f.on_alert = "exit 3"; // never runs: nothing alerts
    f.rules = {"missing(*) > 0.99"};
    auto s = resolve(f, std::nullopt);
    REQUIRE(s);
    SessionLog log;
    auto r = run_session(
        p.store, *s, *b, [] { return false; }, log.output());
    REQUIRE(r);
    CHECK_FALSE(r->alerted);
    REQUIRE(log.windows.size() == 1);
    CHECK(log.windows[0].reference.empty());
    CHECK(log.windows[0].report["verdict"] == "passed");
    CHECK(log.alerts.empty());
    REQUIRE(log.warnings.size() == 1);
    CHECK_THAT(log.warnings[0], Catch::Contains(": line 101: "));

    // A hook that fails is a warning, and the watch goes on to its end.
    f.rules = {"psi(x) > 0.2"};
    s = resolve(f, std::nullopt);
    REQUIRE(s);
    SessionLog failing;
    r = run_session(
        p.store, *s, *b, [] { return false; }, failing.output());
    REQUIRE(r);
    CHECK(r->alerted);
    CHECK(failing.warnings.back() == "--on-alert command exited with status 3");
    CHECK(failing.noted("1 window, 1 alert"));

    f.events = (p.dir / "missing.jsonl").string();
    s = resolve(f, std::nullopt);
    REQUIRE(s);
    CHECK_FALSE(run_session(
        p.store, *s, *b, [] { return false; }, SessionOutput{}));
}
