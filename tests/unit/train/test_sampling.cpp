#include <catch2/catch.hpp>
#include <cmath>
#include <mlci/train/sampling.hpp>
#include <set>

using namespace mlci;
using namespace mlci::train;
using json = nlohmann::json;

namespace {

double ulp_of(double x) {
    x = std::abs(x);
    return std::nextafter(x, INFINITY) - x;
}

} // namespace

// The expected values below come from a Python transcription of the same
// algorithms (exact fma through fractions): a compiler or libm that changed a
// single bit of a draw would make shards disagree, and fails here.

TEST_CASE("train: splitmix64 gives its published sequence", "[train][sampling]") {
    SplitMix64 sm(0);
    CHECK(sm.next() == 0xe220a8397b1dcdafULL);
    CHECK(sm.next() == 0x6e789e6aa1b965f4ULL);
    CHECK(sm.next() == 0x06c45d188009454fULL);
}

TEST_CASE("train: xoshiro256** seeded by splitmix64 is fixed", "[train][sampling]") {
    Xoshiro256 x(0);
    CHECK(x.next() == 0x99ec5f36cb75f2b4ULL);
    CHECK(x.next() == 0xbf6e1f784956452aULL);
    CHECK(x.next() == 0x1a5f849d4933e6e0ULL);
    Xoshiro256 y(42);
    CHECK(y.unit() == 0.08386297105988216);
    CHECK(y.unit() == 0.3789802506626686);
    CHECK(y.unit() == 0.6800434110281394);
}

TEST_CASE("train: unit draws lie from 0 up to 1 and below() under its span", "[train][sampling]") {
    Xoshiro256 x(1);
    bool low_half = false, high_half = false;
    for (int i = 0; i < 10000; ++i) {
        double u = x.unit();
        REQUIRE(u >= 0);
        REQUIRE(u < 1);
        (u < 0.5 ? low_half : high_half) = true;
        REQUIRE(x.below(7) < 7);
    }
    CHECK(low_half);
    CHECK(high_half);
    // Every value of a small span turns up.
    std::array<int, 3> seen{};
    for (int i = 0; i < 300; ++i)
        ++seen[x.below(3)];
    CHECK(seen[0] > 50);
    CHECK(seen[1] > 50);
    CHECK(seen[2] > 50);
    CHECK(x.below(1) == 0);
}

TEST_CASE("train: portable log and exp are close to libm and fixed", "[train][sampling]") {
    CHECK(portable_log(1.0) == 0.0);
    CHECK(portable_exp(0.0) == 1.0);
    CHECK(portable_log(1e-4) == -9.210340371976184); // libm: ...182, one ulp away
    CHECK(portable_log(0.1) == -2.3025850929940455);
    CHECK(portable_log(1e300) == 690.7755278982137);
    CHECK(portable_exp(-9.21) == 0.00010003404299092957);
    CHECK(portable_exp(700.0) == 1.0142320547350045e+304);
    CHECK(portable_exp(-700.0) == 9.85967654375977e-305);
    for (double x = 1e-12; x < 1e12; x *= 3.7) {
        CHECK(std::abs(portable_log(x) - std::log(x)) <= 4 * ulp_of(std::log(x)));
        double y = std::log(x);
        CHECK(std::abs(portable_exp(y) - std::exp(y)) <= 4 * ulp_of(std::exp(y)));
    }
}

TEST_CASE("train: sample points are the same draw everywhere", "[train][sampling]") {
    std::vector<SampleRange> ranges;
    for (auto* r :
         {"lr=loguniform:1e-4,1e-1", "depth=int:2,12", "kind=choice:a,b", "u=uniform:-1,1"}) {
        auto parsed = parse_sample_range(r);
        REQUIRE(parsed);
        ranges.push_back(*parsed);
    }
    auto points = sample_points(ranges, 4, 7);
    REQUIRE(points.size() == 4);
    auto as_json = [](const std::vector<Override>& point) {
        json j = json::object();
        for (auto& o : point)
            j[o.key] = o.value;
        return j;
    };
    // The order of the keys is the order of the ranges (the draw order).
    CHECK(points[0][0].key == "lr");
    CHECK(points[0][3].key == "u");
    CHECK(as_json(points[0]) ==
          json::parse(
              R"({"lr": 0.01263948697044102, "depth": 4, "kind": "a", "u": 0.9621954500298702})"));
    CHECK(as_json(points[1]) ==
          json::parse(
              R"({"lr": 0.09388167651142686, "depth": 3, "kind": "a", "u": -0.7911284215143768})"));
    CHECK(
        as_json(points[2]) ==
        json::parse(
            R"({"lr": 0.0016259963947142016, "depth": 4, "kind": "b", "u": 0.46371641409122755})"));
    CHECK(as_json(points[3]) ==
          json::parse(
              R"({"lr": 0.06559893613185218, "depth": 9, "kind": "a", "u": 0.12175823049895973})"));
    CHECK(points[0][1].value.is_number_integer());
    // Printed values read back as the same double.
    CHECK(json::parse(json(points[2][0].value).dump()) == points[2][0].value);

    // Point k does not depend on how many are drawn; another seed draws others.
    auto more = sample_points(ranges, 6, 7);
    for (size_t k = 0; k < 4; ++k)
        CHECK(as_json(more[k]) == as_json(points[k]));
    CHECK(as_json(sample_points(ranges, 1, 8)[0]) != as_json(points[0]));
}

TEST_CASE("train: sampled values stay in their ranges", "[train][sampling]") {
    auto lr = parse_sample_range("lr=loguniform:1e-4,1e-1");
    auto n = parse_sample_range("n=int:-3,3");
    auto all = parse_sample_range("big=int:-9223372036854775808,9223372036854775807");
    REQUIRE(lr);
    REQUIRE(n);
    REQUIRE(all);
    std::set<int64_t> ints;
    for (auto& p : sample_points({*lr, *n, *all}, 500, 3)) {
        double v = p[0].value.get<double>();
        CHECK(v >= 1e-4);
        CHECK(v <= 1e-1);
        ints.insert(p[1].value.get<int64_t>());
    }
    CHECK(ints == std::set<int64_t>{-3, -2, -1, 0, 1, 2, 3});
}

TEST_CASE("train: ranges are parsed or refused", "[train][sampling]") {
    auto c = parse_sample_range("model.kind=choice:linear, tree ,7");
    REQUIRE(c);
    CHECK(c->key == "model.kind");
    CHECK(c->kind == SampleRange::Kind::choice);
    REQUIRE(c->items.size() == 3);
    CHECK(c->items[1] == json("tree"));
    CHECK(c->items[2] == json(7));
    auto u = parse_sample_range("lr=uniform: 0.1 , 0.5");
    REQUIRE(u);
    CHECK(u->low == 0.1);
    CHECK(u->high == 0.5);
    CHECK(to_json(*u) == json::parse(R"({"key": "lr", "kind": "uniform", "args": [0.1, 0.5]})"));
    for (auto* bad : {"lr", "lr=0.1", "lr=normal:0,1", "lr=uniform:1", "lr=uniform:1,2,3",
                      "lr=uniform:2,1", "lr=uniform:1,1", "lr=uniform:a,b", "lr=uniform:0,inf",
                      "lr=loguniform:0,1", "lr=loguniform:-1,1", "d=int:1.5,3", "d=int:5,2",
                      "=int:1,2", "lr=uniform:-1e308,1e308", "k=choice:a,,b", "k=choice:"}) {
        INFO(bad);
        auto r = parse_sample_range(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("invalid --range") != std::string::npos);
    }
}
