#include <catch2/catch.hpp>
#include <mlci/config/watch_config.hpp>

using namespace mlci;
using namespace mlci::config;

namespace {

Result<std::optional<WatchConfig>> parse_watch_section(const std::string& yaml) {
    return parse_watch_config(YAML::Load(yaml), "mlci.yaml");
}

} // namespace

TEST_CASE("watch: the section of mlci.yaml", "[watch]") {
    auto c = parse_watch_section("watch:\n"
                                 "  baseline: iris-image:latest\n"
                                 "  window: 5m\n"
                                 "  rules: ['psi(*) > 0.2', 'accuracy < 0.9']\n"
                                 "  on_alert: [notify, --team, ml]\n"
                                 "  fields: {features: inputs}\n");
    REQUIRE(c);
    REQUIRE(*c);
    CHECK((*c)->baseline == "iris-image:latest");
    CHECK((*c)->window_seconds == 300);
    CHECK(!(*c)->window_events);
    CHECK((*c)->rules.size() == 2);
    CHECK((*c)->on_alert.argv == std::vector<std::string>{"notify", "--team", "ml"});
    CHECK((*c)->features_field == "inputs");
    CHECK(!*parse_watch_section("datasets: {}\n"));

    auto bad = parse_watch_section("watch:\n  baseline: x\n  windw: 10\n");
    REQUIRE(!bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK(bad.error().message.find("mlci.yaml:3") != std::string::npos);
    CHECK(bad.error().message.find("windw") != std::string::npos);
    bad = parse_watch_section("watch:\n  window: 10 apples\n");
    REQUIRE(!bad);
    CHECK(bad.error().message.find("watch.window") != std::string::npos);
}

TEST_CASE("watch: window sizes: events or durations", "[watch]") {
    std::optional<uint64_t> n;
    std::optional<double> s;
    CHECK(parse_window("1000", n, s).empty());
    CHECK(n == 1000u);
    n.reset();
    CHECK(parse_window("250ms", n, s).empty());
    CHECK(s == Approx(0.25));
    CHECK(parse_window("1h", n, s).empty());
    CHECK(s == 3600);
    CHECK(!n);
    CHECK(!parse_window("0", n, s).empty());
    CHECK(!parse_window("1.5", n, s).empty());
    CHECK(!parse_window("5d", n, s).empty());
    CHECK(!parse_window("", n, s).empty());
    // Values that overflowed a cast or a deadline: refused, not wrapped.
    CHECK(!parse_window("1e30", n, s).empty());
    CHECK(!parse_window("1e30h", n, s).empty());
    CHECK(!parse_window("8761h", n, s).empty());
    CHECK(!parse_window("-1s", n, s).empty());
    CHECK(!parse_window("nans", n, s).empty());
    CHECK(!parse_watch_section("watch:\n  poll_interval: 1e30\n"));
    CHECK(!parse_watch_section("watch:\n  poll_interval: .nan\n"));
    auto poll = parse_watch_section("watch:\n  poll_interval: 250ms\n");
    REQUIRE(poll);
    CHECK((*poll)->poll_interval == std::chrono::milliseconds(250));
}
