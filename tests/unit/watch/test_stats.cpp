#include "fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <mlci/stats/distance.hpp>
#include <mlci/watch/stats.hpp>

using namespace mlci;
using namespace mlci::watch;

namespace {

Value num(double x) {
    Value v;
    v.kind = Value::Kind::number;
    v.number = x;
    return v;
}

Value text(std::string_view s) {
    Value v;
    v.kind = Value::Kind::text;
    v.text = s;
    return v;
}

// A numeric column of four equal bins over [0, 4].
data::ColumnProfile four_bins() {
    data::ColumnProfile c;
    c.name = "x";
    c.type = "number";
    c.count = 100;
    c.bin_edges = {0, 1, 2, 3, 4};
    c.bin_counts = {25, 25, 25, 25};
    return c;
}

} // namespace

TEST_CASE("watch: the branch-free search agrees with std::upper_bound", "[watch]") {
    std::vector<double> edges{1, 2, 2, 3, 5, 8};
    for (double x : {-1.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.9, 8.0, 100.0})
        CHECK(upper_index(edges, x) ==
              static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()));
    CHECK(upper_index({}, 1) == 0);
    CHECK(upper_index({2}, 1) == 0);
    CHECK(upper_index({2}, 2) == 1);
}

TEST_CASE("watch: a numeric column counts into the baseline's bins", "[watch]") {
    auto base = four_bins();
    ColumnCounter c(base);
    REQUIRE(c.numeric());
    // Edges as data::bin_values() places them: lower edge inclusive, the
    // last bin holds its upper edge, out-of-range values go to the ends.
    for (double x : {-5.0, 0.0, 0.99, 1.0, 2.5, 3.0, 4.0, 10.0})
        c.add(num(x));
    c.add(text("1.5")); // a number as a string still counts as one
    c.add(text("abc")); // not a number
    c.add(Value{});     // missing
    auto s = c.summarize();
    CHECK(s.count == 10);
    CHECK(s.missing == 1);
    CHECK(s.invalid == 1);
    CHECK(s.missing_rate == Approx(1.0 / 11));
    CHECK(s.mean == Approx((-5 + 0 + 0.99 + 1 + 2.5 + 3 + 4 + 10 + 1.5) / 9));
}

TEST_CASE("watch: PSI and KS of a shifted numeric window by hand", "[watch]") {
    auto base = four_bins();
    ColumnCounter c(base);
    for (int i = 0; i < 100; ++i)
        c.add(num(0.5)); // everything in the first bin
    auto s = c.summarize();
    // Shares: baseline 1/4 each; window 1, then three empty bins at the
    // epsilon share (and the not-a-number bucket empty on both sides).
    double eps = stats::k_psi_epsilon;
    double psi = (1 - 0.25) * std::log(1 / 0.25) + 3 * (eps - 0.25) * std::log(eps / 0.25);
    CHECK(s.psi == Approx(psi));
    // Cumulative shares 1/4, 1/2, 3/4 against 1, 1, 1.
    CHECK(s.ks == Approx(0.75));
    CHECK(s.mean == Approx(0.5));

    ColumnCounter same(base);
    for (double x : {0.5, 1.5, 2.5, 3.5})
        same.add(num(x));
    auto t = same.summarize();
    CHECK(t.psi == Approx(0).margin(1e-12));
    CHECK(t.ks == Approx(0).margin(1e-12));
    CHECK(t.p_value == Approx(1));
}

TEST_CASE("watch: PSI and chi-square of a categorical window by hand", "[watch]") {
    data::ColumnProfile base;
    base.name = "color";
    base.type = "string";
    base.count = 100;
    base.top = {{"red", 60}, {"blue", 40}};
    ColumnCounter c(base);
    REQUIRE(!c.numeric());
    for (int i = 0; i < 10; ++i)
        c.add(text("red"));
    for (int i = 0; i < 90; ++i)
        c.add(text("blue"));
    auto s = c.summarize();
    double psi = (0.1 - 0.6) * std::log(0.1 / 0.6) + (0.9 - 0.4) * std::log(0.9 / 0.4);
    CHECK(s.psi == Approx(psi));
    // 2 x 2 table {60,40} vs {10,90}: column totals 70 and 130 of 200.
    double e1 = 100 * 70 / 200.0, e2 = 100 * 130 / 200.0;
    double chi2 = (60 - e1) * (60 - e1) / e1 + (40 - e2) * (40 - e2) / e2 +
                  (10 - e1) * (10 - e1) / e1 + (90 - e2) * (90 - e2) / e2;
    CHECK(s.chi2 == Approx(chi2));
    CHECK(s.p_value < 1e-10);
    CHECK(std::isnan(s.ks));

    // Unseen values go to "other"; numbers match the profile's text.
    data::ColumnProfile ints;
    ints.name = "k";
    ints.type = "int";
    ints.count = 2;
    ints.top = {{"1", 1}, {"2", 1}};
    ColumnCounter k(ints);
    Value one = num(1);
    one.text = "1.0";
    k.add(one);
    Value two = num(2);
    two.text = "2";
    k.add(two);
    CHECK(k.summarize().psi == Approx(0).margin(1e-12));
}

TEST_CASE("watch: a window measures accuracy, regression error and predictions", "[watch]") {
    auto b = testing::baseline_of(testing::sample_csv());
    REQUIRE(b.features == std::vector<std::string>{"x", "color"});
    REQUIRE(task_of(*b.target_column()) == Task::classification);
    std::vector<const data::ColumnProfile*> cols{b.profile.column("x"), b.profile.column("color")};
    WindowStats w(cols, b.target_column(), Task::classification);
    Event e;
    e.features = {num(10), text("red")};
    e.prediction = text("yes");
    e.label = text("yes");
    w.add(e);
    e.label = text("no");
    w.add(e);
    e.features[1] = Value{};
    e.label = Value{}; // no label: not counted for accuracy
    w.add(e);
    auto s = w.summarize();
    CHECK(s.events == 3);
    CHECK(s.labeled == 2);
    CHECK(s.accuracy == Approx(0.5));
    CHECK(s.features[1].missing_rate == Approx(1.0 / 3));
    CHECK(s.missing_rate == Approx(1.0 / 6));
    REQUIRE(s.prediction);
    CHECK(s.prediction->count == 3);
    w.reset();
    CHECK(w.summarize().events == 0);

    data::ColumnProfile y;
    y.name = "y";
    y.type = "number";
    y.count = 2;
    y.bin_edges = {0, 1};
    y.bin_counts = {2};
    CHECK(task_of(y) == Task::regression);
    WindowStats r({}, &y, Task::regression);
    Event ev;
    ev.prediction = num(3);
    ev.label = num(1);
    r.add(ev);
    ev.prediction = num(1);
    ev.label = num(2);
    r.add(ev);
    auto rs = r.summarize();
    CHECK(rs.mae == Approx(1.5));
    CHECK(rs.rmse == Approx(std::sqrt((4.0 + 1.0) / 2)));
    CHECK(std::isnan(rs.accuracy));
}
