#include "../temp_dir.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/watch/watcher.hpp>

using namespace mlci;
using namespace mlci::watch;

namespace {

std::string event(int x, const char* color, const char* y) {
    return fmt::format(R"({{"features":{{"x":{},"color":"{}"}},"prediction":"{}","label":"{}"}})",
                       x, color, y, y);
}

struct Run {
    std::vector<WindowResult> windows;
    std::vector<std::string> malformed;
    Totals totals;
};

Run watch_file(const std::filesystem::path& file, WindowOptions w, std::vector<Rule> rules) {
    auto b = testing::baseline_of(testing::sample_csv());
    Watcher watcher(b, {}, w, std::move(rules));
    SourceOptions o;
    o.follow = false;
    auto s = open_source(file.string(), o);
    REQUIRE(s);
    Run out;
    WatchCallbacks cb;
    cb.on_window = [&](const WindowResult& r) -> Status {
        out.windows.push_back(r);
        return {};
    };
    cb.on_malformed = [&](uint64_t line, const std::string& why) {
        out.malformed.push_back(fmt::format("{}: {}", line, why));
    };
    auto t = watcher.run(
        **s, [] { return false; }, cb);
    REQUIRE(t);
    out.totals = *t;
    return out;
}

} // namespace

TEST_CASE("watch: count windows, malformed lines and a last line without newline", "[watch]") {
    testing::TempDir dir;
    std::ofstream f(dir / "e.jsonl");
    for (int i = 0; i < 25; ++i)
        f << event(i * 4, i % 2 ? "red" : "blue", i < 12 ? "yes" : "no") << "\n";
    f << "garbage\n\n";
    f << event(1, "red", "yes"); // no newline at the end
    f.close();

    WindowOptions w;
    w.events = 10;
    auto r = watch_file(dir / "e.jsonl", w, {*parse_rule("psi(*) > 100")});
    REQUIRE(r.windows.size() == 3);
    CHECK(r.windows[0].summary.index == 1);
    CHECK(r.windows[0].summary.events == 10);
    CHECK(r.windows[2].summary.events == 6);
    CHECK(r.windows[2].summary.malformed == 1);
    CHECK(r.totals.events == 26);
    CHECK(r.totals.malformed == 1);
    REQUIRE(r.malformed.size() == 1);
    CHECK(r.malformed[0] == "26: not valid JSON");
    CHECK(r.windows[0].summary.accuracy == Approx(1));

    // Once: the last full window only.
    w.once = true;
    r = watch_file(dir / "e.jsonl", w, {});
    REQUIRE(r.windows.size() == 1);
    CHECK(r.windows[0].summary.index == 2);
    CHECK(r.windows[0].summary.events == 10);
    // Once without a window: every event.
    w.events = 0;
    r = watch_file(dir / "e.jsonl", w, {});
    REQUIRE(r.windows.size() == 1);
    CHECK(r.windows[0].summary.events == 26);
}

TEST_CASE("watch: time windows follow the events' timestamps", "[watch]") {
    testing::TempDir dir;
    std::ofstream f(dir / "e.jsonl");
    // 60-second windows: 3 events in [0,60), 2 in [60,120), 1 in [180,240).
    for (int t : {0, 10, 59, 60, 119, 200})
        f << fmt::format(R"({{"ts":{},"features":{{"x":1,"color":"red"}}}})", 1700000000 - 20 + t)
          << "\n";
    f.close();
    WindowOptions w;
    w.seconds = 60;
    auto r = watch_file(dir / "e.jsonl", w, {});
    REQUIRE(r.windows.size() == 3);
    CHECK(r.windows[0].summary.events == 3); // [1699999980, 1700000040)
    CHECK(r.windows[0].summary.start == 1699999980);
    CHECK(r.windows[0].summary.end == 1700000040);
    CHECK(r.windows[1].summary.events == 2);
    CHECK(r.windows[2].summary.start == 1700000160);
    CHECK(r.windows[2].summary.events == 1);
}

TEST_CASE("watch: a shifted stream alerts, an unshifted one does not", "[watch]") {
    testing::TempDir dir;
    {
        std::ofstream same(dir / "same.jsonl"), shifted(dir / "shifted.jsonl");
        for (int i = 0; i < 100; ++i) {
            same << event(i, i % 2 ? "red" : "blue", i < 50 ? "yes" : "no") << "\n";
            shifted << event(90 + i % 10, "red", "no") << "\n";
        }
    }
    WindowOptions w;
    w.once = true;
    std::vector<Rule> rules{*parse_rule("psi(*) > 0.2"), *parse_rule("ks(x) > 0.3"),
                            *parse_rule("prediction_psi > 0.2")};
    auto ok = watch_file(dir / "same.jsonl", w, rules);
    REQUIRE(ok.windows.size() == 1);
    CHECK(ok.windows[0].alerts.empty());
    auto bad = watch_file(dir / "shifted.jsonl", w, rules);
    REQUIRE(bad.windows.size() == 1);
    std::vector<std::string> names;
    for (auto& a : bad.windows[0].alerts)
        names.push_back(a.name);
    CHECK(names == std::vector<std::string>{"psi(x)", "psi(color)", "ks(x)", "prediction_psi"});
}

TEST_CASE("watch: an overlong line is malformed and memory stays bounded", "[watch]") {
    testing::TempDir dir;
    {
        std::ofstream f(dir / "e.jsonl");
        f << event(1, "red", "yes") << "\n";
        f << "{\"features\": {\"color\": \"" << std::string(40u << 20, 'a') << "\"}}\n";
        f << event(2, "blue", "no") << "\n";
    }
    WindowOptions w;
    w.once = true;
    auto r = watch_file(dir / "e.jsonl", w, {});
    CHECK(r.totals.events == 2);
    CHECK(r.totals.malformed == 1);
    REQUIRE(r.malformed.size() == 1);
    CHECK(r.malformed[0] == "2: longer than 16 MiB");
}
