#include <catch2/catch.hpp>
#include <mlci/core/format.hpp>
#include <mlci/watch/rule.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch: rules parse with features, wildcards and operators", "[watch]") {
    auto r = parse_rule("psi(age) > 0.2");
    REQUIRE(r);
    CHECK(r->metric == "psi");
    CHECK(r->feature == "age");
    CHECK(r->op == Op::gt);
    CHECK(r->limit == 0.2);
    CHECK(r->text == "psi(age) > 0.2");

    r = parse_rule("  missing( * )>=0.05 ");
    REQUIRE(r);
    CHECK(r->metric == "missing");
    CHECK(r->feature == "*");
    CHECK(r->op == Op::ge);
    CHECK(r->limit == 0.05);

    r = parse_rule("accuracy < 0.85");
    REQUIRE(r);
    CHECK(r->metric == "accuracy");
    CHECK(r->feature.empty());
    CHECK(r->op == Op::lt);

    r = parse_rule("prediction_psi<=1e-1");
    REQUIRE(r);
    CHECK(r->op == Op::le);
    CHECK(r->limit == Approx(0.1));
    CHECK(parse_rule("ks(petal_length) > 0.3"));
    CHECK(parse_rule("chi2(city) > 30"));
    CHECK(parse_rule("pvalue(city) < 0.01"));
}

TEST_CASE("watch: malformed rules are usage errors naming the rule", "[watch]") {
    for (auto text :
         {"", "psi > 0.2", "psi(age > 0.2", "psi() > 0.2", "foo(age) > 1", "bogus > 1",
          "accuracy ~ 0.9", "accuracy < abc", "accuracy <", "accuracy < 0.9 extra", "> 0.2"}) {
        auto r = parse_rule(text);
        INFO(text);
        REQUIRE(!r);
        CHECK(r.error().code == Exit::usage);
        CHECK(r.error().message.find(std::string("'") + text + "'") != std::string::npos);
    }
    CHECK(parse_rule("psi > 0.2").error().message.find("needs a feature") != std::string::npos);
}

TEST_CASE("watch: rules name only features of the baseline", "[watch]") {
    std::vector<Rule> rules{*parse_rule("psi(age) > 0.2"), *parse_rule("psi(*) > 0.2")};
    CHECK(check_rule_features(rules, {"age", "city"}));
    auto bad = check_rule_features(rules, {"city"});
    REQUIRE(!bad);
    CHECK(bad.error().message.find("'age'") != std::string::npos);
}

TEST_CASE("watch: rules breach per feature and skip statistics without a value", "[watch]") {
    WindowSummary w;
    w.index = 3;
    w.events = 1000;
    FeatureSummary a, b;
    a.name = "petal_length";
    a.psi = 0.93;
    a.missing_rate = 0;
    b.name = "city";
    b.psi = 0.05;
    b.missing_rate = 0.5;
    w.features = {a, b};
    w.accuracy = k_nan;
    std::vector<Rule> rules{*parse_rule("psi(*) > 0.2"), *parse_rule("missing(*) > 0.05"),
                            *parse_rule("accuracy < 0.85"), *parse_rule("ks(city) > 0.1"),
                            *parse_rule("events >= 1000")};
    auto alerts = evaluate(rules, w);
    REQUIRE(alerts.size() == 3);
    CHECK(alerts[0].text() == "psi(petal_length) = 0.93 > 0.2");
    CHECK(alerts[1].text() == "missing(city) = 0.5 > 0.05");
    CHECK(alerts[2].text() == "events = 1000 >= 1000");

    w.accuracy = 0.8;
    alerts = evaluate({*parse_rule("accuracy < 0.85")}, w);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].text() == "accuracy = 0.8 < 0.85");
    CHECK(evaluate({*parse_rule("accuracy < 0.8")}, w).empty());
}

TEST_CASE("watch: figures print as every command prints numbers, none when missing", "[watch]") {
    CHECK(figure_text(0.93) == "0.93");
    CHECK(figure_text(0.123456) == human_number(0.123456));
    CHECK(figure_text(0.12345678) == "0.123457");
    CHECK(figure_text(2) == "2");
    CHECK(figure_text(-0.0) == "0");
    CHECK(figure_text(k_nan) == "none");
}
