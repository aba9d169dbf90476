#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/watch/settings.hpp>

using namespace mlci;
using namespace mlci::watch;
using config::WatchConfig;

namespace {

// mlci.yaml's watch section from YAML text.
std::optional<WatchConfig> watch_yaml(const std::string& yaml) {
    auto c = config::parse_watch_config(YAML::Load(yaml), "mlci.yaml");
    REQUIRE(c);
    REQUIRE(*c);
    return *c;
}

// The least a watch needs from its flags.
WatchFlags minimal_flags() {
    WatchFlags f;
    f.events = "events.jsonl";
    f.baseline = "iris:v1";
    return f;
}

} // namespace

TEST_CASE("watch settings: a flag beats mlci.yaml, which beats the default", "[watch]") {
    auto yaml = watch_yaml("watch:\n"
                           "  events: yaml.jsonl\n"
                           "  baseline: yaml:v1\n"
                           "  name: yaml-name\n"
                           "  listen: 127.0.0.1:9000\n"
                           "  target: species\n"
                           "  clock: arrival\n"
                           "  poll_interval: 2\n"
                           "  window: 5m\n"
                           "  rules: ['psi(*) > 0.2', 'accuracy < 0.9']\n"
                           "  on_alert: [notify, --team, ml]\n"
                           "  fields: {ts: time, label: truth}\n");
    WatchFlags none;
    auto from_yaml = resolve(none, yaml);
    REQUIRE(from_yaml);
    CHECK(from_yaml->events == "yaml.jsonl");
    CHECK(from_yaml->baseline == "yaml:v1");
    CHECK(from_yaml->name == "yaml-name");
    CHECK(from_yaml->listen == "127.0.0.1:9000");
    CHECK(from_yaml->baseline_options.target == "species");
    CHECK(from_yaml->baseline_options.table.empty());
    CHECK(from_yaml->window.clock == Clock::arrival);
    CHECK(from_yaml->window.seconds == 300);
    CHECK(from_yaml->window.events == 0);
    CHECK(from_yaml->source.poll_ms == 2000);
    REQUIRE(from_yaml->rules.size() == 2);
    CHECK(from_yaml->rules[1].text == "accuracy < 0.9");
    CHECK(from_yaml->alerts.on_alert.argv == std::vector<std::string>{"notify", "--team", "ml"});
    CHECK(from_yaml->fields.ts == "time");
    CHECK(from_yaml->fields.label == "truth");
    CHECK(from_yaml->fields.features == "features"); // not in mlci.yaml: the default

    WatchFlags f;
    f.events = "flag.jsonl";
    f.baseline = "flag:v2";
    f.name = "flag-name";
    f.listen = ":9464";
    f.target = "y";
    f.clock = "event";
    f.poll_interval = std::chrono::milliseconds(250);
    f.window = "100";
    f.rules = {"ks(*) > 0.3"};
    f.on_alert = "echo alert";
    f.ts_field = "stamp";
    auto flags = resolve(f, yaml);
    REQUIRE(flags);
    CHECK(flags->events == "flag.jsonl");
    CHECK(flags->baseline == "flag:v2");
    CHECK(flags->name == "flag-name");
    CHECK(flags->listen == ":9464");
    CHECK(flags->baseline_options.target == "y");
    CHECK(flags->window.clock == Clock::event);
    CHECK(flags->window.events == 100);
    CHECK(flags->window.seconds == 0);
    CHECK(flags->source.poll_ms == 250);
    REQUIRE(flags->rules.size() == 1); // the flags replace mlci.yaml's rules
    CHECK(flags->rules[0].metric == "ks");
    CHECK(flags->alerts.on_alert.shell == "echo alert");
    CHECK(flags->alerts.on_alert.argv.empty());
    CHECK(flags->fields.ts == "stamp");
    CHECK(flags->fields.label == "truth"); // no flag: mlci.yaml's

    CHECK_FALSE(flags->default_rules);

    auto defaults = resolve(minimal_flags(), std::nullopt);
    REQUIRE(defaults);
    // No rule anywhere: the default rules, not a watch that never alerts.
    CHECK(defaults->default_rules);
    REQUIRE(defaults->rules.size() == 2);
    CHECK(defaults->rules[0].text == "psi(*) > 0.2");
    CHECK(defaults->rules[1].text == "prediction_psi > 0.2");
    CHECK(defaults->name.empty());
    CHECK(defaults->listen.empty());
    CHECK(defaults->window.clock == Clock::event);
    CHECK(defaults->window.events == k_default_window_events);
    CHECK(defaults->source.poll_ms == k_default_poll_interval.count());
    CHECK(defaults->source.follow);
    CHECK(defaults->fields.ts == "ts");
    CHECK(defaults->fields.prediction == "prediction");
    CHECK(defaults->alerts.on_alert.empty());
    CHECK_FALSE(defaults->alerts.always_report);
}

// With the default as "unset" (an empty string, a zero), a flag that says
// what the default says could not beat mlci.yaml: `--listen ''` still served.
TEST_CASE("watch settings: a flag equal to the default still beats mlci.yaml", "[watch]") {
    auto yaml = watch_yaml("watch:\n"
                           "  name: yaml-name\n"
                           "  listen: 127.0.0.1:9000\n"
                           "  target: species\n"
                           "  baseline_table: data/other.csv\n"
                           "  clock: arrival\n"
                           "  poll_interval: 2\n"
                           "  window: 5m\n"
                           "  on_alert: notify.sh\n"
                           "  fields: {ts: time, prediction: pred}\n");
    auto f = minimal_flags();
    f.name = "";
    f.listen = "";
    f.target = "";
    f.baseline_table = "";
    f.clock = "event";
    f.poll_interval = k_default_poll_interval;
    f.window = std::to_string(k_default_window_events);
    f.on_alert = "";
    f.ts_field = "ts";
    f.prediction_field = "prediction";
    auto s = resolve(f, yaml);
    REQUIRE(s);
    CHECK(s->name.empty());
    CHECK(s->listen.empty());
    CHECK(s->baseline_options.target.empty());
    CHECK(s->baseline_options.table.empty());
    CHECK(s->window.clock == Clock::event);
    CHECK(s->source.poll_ms == 500);
    CHECK(s->window.events == 1000);
    CHECK(s->window.seconds == 0);
    CHECK(s->alerts.on_alert.empty());
    CHECK(s->fields.ts == "ts");
    CHECK(s->fields.prediction == "prediction");

    // --window-seconds takes the place of mlci.yaml's window too.
    auto by_time = minimal_flags();
    by_time.window_seconds = std::chrono::seconds(30);
    auto t = resolve(by_time, watch_yaml("watch:\n  window: 1000\n"));
    REQUIRE(t);
    CHECK(t->window.events == 0);
    CHECK(t->window.seconds == 30);
}

TEST_CASE("watch settings: windows, once and the source", "[watch]") {
    auto f = minimal_flags();
    f.once = true;
    f.from_end = true;
    f.always_report = true;
    auto once = resolve(f, std::nullopt);
    REQUIRE(once);
    // --once without a window: one window of every event, read to the end.
    CHECK(once->window.once);
    CHECK(once->window.events == 0);
    CHECK(once->window.seconds == 0);
    CHECK_FALSE(once->source.follow);
    CHECK(once->source.from_end);
    CHECK(once->alerts.always_report);

    f.window = "30s";
    auto timed = resolve(f, std::nullopt);
    REQUIRE(timed);
    CHECK(timed->window.seconds == 30);
    CHECK(timed->window.events == 0);

    // A poll interval of 0 would spin: at least a millisecond.
    auto fast = minimal_flags();
    fast.poll_interval = std::chrono::milliseconds(0);
    CHECK(resolve(fast, std::nullopt)->source.poll_ms == 1);
}

TEST_CASE("watch settings: a watch that cannot run is a usage error", "[watch]") {
    auto expect_usage = [](const WatchFlags& f, const std::optional<WatchConfig>& c,
                           const std::string& text) {
        auto s = resolve(f, c);
        INFO(text);
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK_THAT(s.error().message, Catch::Contains(text));
    };
    auto no_events = minimal_flags();
    no_events.events.reset();
    expect_usage(no_events, std::nullopt, "no events to watch");
    auto empty_events = minimal_flags();
    empty_events.events = "";
    expect_usage(empty_events, watch_yaml("watch:\n  events: e.jsonl\n"), "no events to watch");

    auto no_baseline = minimal_flags();
    no_baseline.baseline.reset();
    expect_usage(no_baseline, std::nullopt, "no baseline");

    auto both = minimal_flags();
    both.env = "prod";
    expect_usage(both, std::nullopt, "--env and --baseline both name the baseline");

    auto bad_window = minimal_flags();
    bad_window.window = "ten";
    expect_usage(bad_window, std::nullopt, "--window: 'ten' is not a window size");
    auto two_windows = minimal_flags();
    two_windows.window = "100";
    two_windows.window_seconds = std::chrono::seconds(5);
    expect_usage(two_windows, std::nullopt, "exclude each other");

    auto bad_rule = minimal_flags();
    bad_rule.rules = {"psi(x) >> 1"};
    auto r = resolve(bad_rule, std::nullopt);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);

    auto bad_clock = minimal_flags();
    bad_clock.clock = "wall";
    expect_usage(bad_clock, std::nullopt, "--clock: expected event or arrival");
}

TEST_CASE("watch settings: --env names the baseline instead of mlci.yaml's", "[watch]") {
    WatchFlags f;
    f.events = "e.jsonl";
    f.env = "prod";
    auto s = resolve(f, watch_yaml("watch:\n  baseline: iris:v1\n"));
    REQUIRE(s);
    CHECK(s->env == "prod");
    CHECK(s->baseline.empty()); // the deployed package, looked up by the caller
}

TEST_CASE("watch settings: the reports' context", "[watch]") {
    auto b = testing::baseline_of(testing::sample_csv());
    b.name = "iris";
    auto f = minimal_flags();
    f.rules = {"psi(*) > 0.2", "accuracy < 0.85"};
    auto s = resolve(f, std::nullopt);
    REQUIRE(s);
    auto ctx = report_context(*s, b, "standard input");
    CHECK(ctx.name == "iris"); // no name: the baseline's
    CHECK(ctx.source == "standard input");
    CHECK(ctx.window_kind == "events");
    CHECK(ctx.window_size == 1000);
    CHECK(ctx.rules == std::vector<std::string>{"psi(*) > 0.2", "accuracy < 0.85"});

    f.name = "prod watch";
    f.window = "90s";
    s = resolve(f, std::nullopt);
    REQUIRE(s);
    ctx = report_context(*s, b, "e.jsonl");
    CHECK(ctx.name == "prod watch");
    CHECK(ctx.window_kind == "seconds");
    CHECK(ctx.window_size == 90);

    f.window.reset();
    f.once = true;
    s = resolve(f, std::nullopt);
    REQUIRE(s);
    ctx = report_context(*s, b, "e.jsonl");
    CHECK(ctx.window_kind == "all");
    CHECK(ctx.window_size == 0);
}
