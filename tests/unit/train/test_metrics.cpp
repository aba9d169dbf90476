#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/train/metrics.hpp>

using namespace mlci;
using namespace mlci::train;
using json = nlohmann::json;

TEST_CASE("train: metrics flatten nested numbers with dots", "[train][metrics]") {
    json doc = {{"accuracy", 0.95},       {"train", {{"rows", 105}, {"loss", {{"final", 0.1}}}}},
                {"test", {{"rows", 45}}}, {"model", "forest"},
                {"converged", true},      {"history", {0.1, 0.2}},
                {"missing", nullptr}};
    auto m = flatten_metrics(doc);
    CHECK(m == Metrics{{"accuracy", 0.95},
                       {"train.rows", 105},
                       {"train.loss.final", 0.1},
                       {"test.rows", 45}});
    CHECK(flatten_metrics(json::array({1, 2})).empty());
    CHECK(flatten_metrics(json(3)).empty());
}

TEST_CASE("train: metrics files are JSON, or YAML by extension", "[train][metrics]") {
    testing::TempDir dir;
    REQUIRE(write_file_atomic(dir / "m.json", R"({"accuracy": 0.9, "f1": {"macro": 0.8}})"));
    auto j = read_metrics_file(dir / "m.json");
    REQUIRE(j);
    CHECK(flatten_metrics(*j) == Metrics{{"accuracy", 0.9}, {"f1.macro", 0.8}});

    REQUIRE(write_file_atomic(dir / "m.yaml", "accuracy: 0.9\nloss:\n  val: 0.25\n"));
    auto y = read_metrics_file(dir / "m.yaml");
    REQUIRE(y);
    CHECK(flatten_metrics(*y) == Metrics{{"accuracy", 0.9}, {"loss.val", 0.25}});

    REQUIRE(write_file_atomic(dir / "bad.json", R"({"accuracy": )"));
    auto bad = read_metrics_file(dir / "bad.json");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK(bad.error().message.find("bad.json") != std::string::npos);

    REQUIRE(write_file_atomic(dir / "list.json", "[1, 2]"));
    CHECK_FALSE(read_metrics_file(dir / "list.json"));
    CHECK_FALSE(read_metrics_file(dir / "none.json"));
}

TEST_CASE("train: metric diffs pair names from both runs", "[train][metrics]") {
    auto d = diff_metrics({{"accuracy", 0.9}, {"loss", 0.3}}, {{"accuracy", 0.95}, {"f1", 0.8}});
    REQUIRE(d.size() == 3);
    CHECK(d[0].name == "accuracy");
    REQUIRE(d[0].change());
    CHECK(*d[0].change() == Approx(0.05));
    CHECK(d[1].name == "f1");
    CHECK_FALSE(d[1].old_value);
    CHECK_FALSE(d[1].change());
    CHECK(d[2].name == "loss");
    CHECK_FALSE(d[2].new_value);
}

TEST_CASE("train: numbers print short and round-trip", "[train][metrics]") {
    CHECK(format_number(0.95) == "0.95");
    CHECK(format_number(105) == "105");
    CHECK(format_number(-0.0) == "0");
    CHECK(format_number(1e-7) == "1e-07");
    CHECK(std::stod(format_number(0.1 + 0.2)) == 0.1 + 0.2);
    CHECK(format_change(0.95 - 0.9) == "+0.05");
    CHECK(format_change(-3) == "-3");
    CHECK(format_change(0) == "0");
}
