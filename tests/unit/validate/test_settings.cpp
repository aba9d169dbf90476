#include <catch2/catch.hpp>
#include <mlci/validate/settings.hpp>

using namespace mlci;
using namespace mlci::validate;

namespace {

config::ValidateConfig configured_gate() {
    config::ValidateConfig c;
    c.require = {"accuracy >= 0.9", "loss < 0.5"};
    c.baseline = "production";
    c.max_regression = {{"accuracy", 0.02}};
    return c;
}

} // namespace

TEST_CASE("validate settings: flags win over mlci.yaml metric by metric", "[validate]") {
    GateFlags flags;
    flags.require = {"accuracy >= 0.95", "f1 > 0.8"};
    flags.max_regression = {"accuracy=1%"};
    auto s = resolve(flags, configured_gate(), "p/mlci.yaml");
    REQUIRE(s);
    REQUIRE(s->criteria.size() == 3);
    std::map<std::string, double> by_metric;
    for (auto& c : s->criteria)
        by_metric[c.metric] = c.value;
    CHECK(by_metric.at("accuracy") == 0.95); // replaced, not added
    CHECK(by_metric.at("loss") == 0.5);      // kept
    CHECK(by_metric.at("f1") == 0.8);        // added
    REQUIRE(s->limits.size() == 1);
    CHECK(s->limits[0].relative);
    CHECK(s->limits[0].delta == Approx(0.01));
    CHECK(s->baseline == "production");
    CHECK_FALSE(s->baseline_from_flag);

    flags.baseline = "iris:v3";
    s = resolve(flags, configured_gate(), "p/mlci.yaml");
    REQUIRE(s);
    CHECK(s->baseline == "iris:v3");
    CHECK(s->baseline_from_flag);

    auto none = resolve(GateFlags{}, std::nullopt, "");
    REQUIRE(none);
    CHECK(none->criteria.empty());
    CHECK(none->limits.empty());
    CHECK(none->baseline.empty());
}

TEST_CASE("validate settings: what cannot be checked is a usage error", "[validate]") {
    auto c = configured_gate();
    c.require = {"accuracy >== 0.9"};
    auto bad = resolve(GateFlags{}, c, "p/mlci.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK(bad.error().message.find("'p/mlci.yaml': validate.require") != std::string::npos);

    GateFlags flags;
    flags.max_regression = {"accuracy=0.02"};
    auto no_baseline = resolve(flags, std::nullopt, "");
    REQUIRE_FALSE(no_baseline);
    CHECK(no_baseline.error().code == Exit::usage);
    CHECK(no_baseline.error().message.find("needs a baseline") != std::string::npos);

    GateFlags typo;
    typo.require = {"accuracy"};
    auto wrong = resolve(typo, std::nullopt, "");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == Exit::usage);
}
