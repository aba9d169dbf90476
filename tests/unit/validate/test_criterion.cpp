#include <catch2/catch.hpp>
#include <mlci/validate/criterion.hpp>

using namespace mlci;
using namespace mlci::validate;

namespace {

Criterion parse_ok(std::string_view text) {
    auto c = parse_criterion(text);
    if (!c)
        FAIL(c.error().message);
    return *c;
}

std::string parse_error(std::string_view text) {
    auto c = parse_criterion(text);
    REQUIRE_FALSE(c);
    CHECK(c.error().code == Exit::usage);
    return c.error().message;
}

} // namespace

TEST_CASE("validate/criterion: every operator, with or without spaces", "[validate][criterion]") {
    auto c = parse_ok("accuracy >= 0.9");
    CHECK(c.metric == "accuracy");
    CHECK(c.op == Op::ge);
    CHECK(c.value == 0.9);
    CHECK(c.text == "accuracy >= 0.9");
    CHECK(parse_ok("loss<0.3").op == Op::lt);
    CHECK(parse_ok("  f1_macro >0.5 ").op == Op::gt);
    CHECK(parse_ok("train.rows <= 105").metric == "train.rows");
    CHECK(parse_ok("train.rows <= 105").op == Op::le);
    CHECK(parse_ok("epochs == 10").op == Op::eq);
    CHECK(parse_ok("delta >= -1e-3").value == -1e-3);
    CHECK(parse_ok("x>=+2").value == 2);
    CHECK(parse_ok("val/auc-roc >= .5").metric == "val/auc-roc");
}

TEST_CASE("validate/criterion: malformed criteria say what is wrong", "[validate][criterion]") {
    CHECK_THAT(parse_error("accuracy"), Catch::Contains("no comparison operator") &&
                                            Catch::Contains("expected METRIC OP VALUE"));
    CHECK_THAT(parse_error(""), Catch::Contains("empty"));
    CHECK_THAT(parse_error(">= 0.9"), Catch::Contains("no metric name"));
    CHECK_THAT(parse_error("accuracy = 0.9"), Catch::Contains("did you mean '=='"));
    CHECK_THAT(parse_error("accuracy => 0.9"), Catch::Contains("did you mean '>='"));
    CHECK_THAT(parse_error("accuracy != 0.9"), Catch::Contains("'!=' is not an operator"));
    CHECK_THAT(parse_error("accuracy >== 0.9"), Catch::Contains("'>==' is not an operator"));
    CHECK_THAT(parse_error("accuracy >= high"), Catch::Contains("'high' is not a number"));
    CHECK_THAT(parse_error("accuracy >= 0.9x"), Catch::Contains("'0.9x' is not a number"));
    CHECK_THAT(parse_error("accuracy >= inf"), Catch::Contains("not a number"));
    CHECK_THAT(parse_error("accuracy >= nan"), Catch::Contains("not a number"));
    CHECK_THAT(parse_error("accuracy >="), Catch::Contains("no value"));
    CHECK_THAT(parse_error("my metric >= 1"), Catch::Contains("is not a metric name"));
    CHECK_THAT(parse_error("a >= 1 >= 2"), Catch::Contains("not a number"));
}

TEST_CASE("validate/criterion: holds", "[validate][criterion]") {
    CHECK(parse_ok("a >= 0.9").holds(0.9));
    CHECK_FALSE(parse_ok("a >= 0.9").holds(0.8999));
    CHECK_FALSE(parse_ok("a > 0.9").holds(0.9));
    CHECK(parse_ok("a <= 1").holds(1));
    CHECK_FALSE(parse_ok("a < 1").holds(1));
    CHECK(parse_ok("a == 0.3").holds(0.1 + 0.2));
    CHECK_FALSE(parse_ok("a == 0.3").holds(0.3001));
    CHECK_FALSE(parse_ok("a >= 0").holds(std::numeric_limits<double>::quiet_NaN()));
}

TEST_CASE("validate/criterion: regression limits", "[validate][criterion]") {
    auto r = parse_regression_limit("accuracy=0.02");
    REQUIRE(r);
    CHECK(r->metric == "accuracy");
    CHECK(r->delta == 0.02);
    CHECK_FALSE(r->relative);
    auto p = parse_regression_limit(" f1 = 2.5% ");
    REQUIRE(p);
    CHECK(p->metric == "f1");
    CHECK(p->delta == Approx(0.025));
    CHECK(p->relative);
    for (auto bad : {"accuracy", "=0.1", "accuracy=", "accuracy=-0.1", "accuracy=x", "a b=1"}) {
        auto e = parse_regression_limit(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == Exit::usage);
        CHECK_THAT(e.error().message, Catch::Contains("expected METRIC=DELTA"));
    }
}

TEST_CASE("validate/criterion: which way a metric improves", "[validate][criterion]") {
    std::vector<Criterion> none;
    CHECK(direction_of("accuracy", none) == Direction::higher_is_better);
    CHECK(direction_of("f1_macro", none) == Direction::higher_is_better);
    CHECK(direction_of("val_loss", none) == Direction::lower_is_better);
    CHECK(direction_of("RMSE", none) == Direction::lower_is_better);
    CHECK(direction_of("latency_p99", none) == Direction::lower_is_better);
    // A criterion says it better than the name.
    std::vector<Criterion> criteria{parse_ok("loss_reduction >= 0.5"), parse_ok("score < 3"),
                                    parse_ok("accuracy == 1")};
    CHECK(direction_of("loss_reduction", criteria) == Direction::higher_is_better);
    CHECK(direction_of("score", criteria) == Direction::lower_is_better);
    CHECK(direction_of("accuracy", criteria) == Direction::higher_is_better);
}
