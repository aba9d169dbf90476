#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/train/params.hpp>

using namespace mlci;
using namespace mlci::train;
using json = nlohmann::json;

TEST_CASE("train: plain scalars are typed by the YAML core schema", "[train][params]") {
    CHECK(typed_scalar("7") == json(7));
    CHECK(typed_scalar("7").is_number_integer());
    CHECK(typed_scalar("-12") == json(-12));
    CHECK(typed_scalar("0x1F") == json(31));
    CHECK(typed_scalar("0o17") == json(15));
    CHECK(typed_scalar("0.3") == json(0.3));
    CHECK(typed_scalar("1e-3") == json(0.001));
    CHECK(typed_scalar(".5") == json(0.5));
    CHECK(typed_scalar("true") == json(true));
    CHECK(typed_scalar("False") == json(false));
    CHECK(typed_scalar("null").is_null());
    CHECK(typed_scalar("~").is_null());
    CHECK(typed_scalar("").is_null());
    // YAML 1.1's yes/no are strings in 1.2, as are versions and words.
    CHECK(typed_scalar("yes") == json("yes"));
    CHECK(typed_scalar("1.2.3") == json("1.2.3"));
    CHECK(typed_scalar("adam") == json("adam"));
    CHECK(typed_scalar(".inf") == json(".inf"));
    // Beyond int64, an integer is kept as the nearest double (JSON has no bigger).
    CHECK(typed_scalar("99999999999999999999") == json(1e20));
}

TEST_CASE("train: overrides parse KEY=VALUE with typed values", "[train][params]") {
    auto o = parse_override("lr=0.01");
    REQUIRE(o);
    CHECK(o->key == "lr");
    CHECK(o->value == json(0.01));
    CHECK(parse_override("n=200")->value == json(200));
    CHECK(parse_override("shuffle=false")->value == json(false));
    CHECK(parse_override("optimizer=adam")->value == json("adam"));
    // Quoting keeps the text; lists and maps are YAML flow.
    CHECK(parse_override("seed='7'")->value == json("7"));
    CHECK(parse_override("seed=\"7\"")->value == json("7"));
    CHECK(parse_override("layers=[64, 32]")->value == json::array({64, 32}));
    CHECK(parse_override("opt={name: adam, lr: 0.1}")->value ==
          json({{"name", "adam"}, {"lr", 0.1}}));
    // '=' in the value belongs to the value.
    CHECK(parse_override("expr=a=b")->value == json("a=b"));

    for (auto bad : {"novalue", "=3", ".a=1", "a..b=1", "a.=1"}) {
        auto r = parse_override(bad);
        CHECK_FALSE(r);
        if (!r)
            CHECK(r.error().code == Exit::usage);
    }
}

TEST_CASE("train: overrides set nested keys", "[train][params]") {
    json p = {{"model", {{"depth", 4}}}, {"lr", 0.1}};
    REQUIRE(apply_override(p, *parse_override("model.depth=8")));
    REQUIRE(apply_override(p, *parse_override("model.width=16")));
    REQUIRE(apply_override(p, *parse_override("data.split.test=0.2")));
    CHECK(p["model"]["depth"] == 8);
    CHECK(p["model"]["width"] == 16);
    CHECK(p["data"]["split"]["test"] == 0.2);
    // A scalar cannot take a key.
    auto r = apply_override(p, *parse_override("lr.decay=0.5"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("'lr'") != std::string::npos);
}

TEST_CASE("train: params files are YAML or JSON mappings", "[train][params]") {
    testing::TempDir dir;
    REQUIRE(write_file_atomic(dir / "p.yaml",
                              "n_estimators: 50\nmax_depth: 4\ntest_size: 0.3\nname: 'x'\n"
                              "model:\n  kind: forest\n  layers: [1, 2]\nversion: \"7\"\n"));
    auto p = load_params_file(dir / "p.yaml");
    REQUIRE(p);
    CHECK((*p)["n_estimators"] == 50);
    CHECK((*p)["test_size"] == 0.3);
    CHECK((*p)["name"] == "x");
    CHECK((*p)["version"] == "7");
    CHECK((*p)["model"]["layers"] == json::array({1, 2}));

    REQUIRE(write_file_atomic(dir / "p.json", R"({"a": 1, "b": {"c": [true, null]}})"));
    auto j = load_params_file(dir / "p.json");
    REQUIRE(j);
    CHECK((*j)["b"]["c"] == json::array({true, nullptr}));

    REQUIRE(write_file_atomic(dir / "empty.yaml", ""));
    CHECK(load_params_file(dir / "empty.yaml")->empty());

    REQUIRE(write_file_atomic(dir / "list.yaml", "- 1\n- 2\n"));
    auto list = load_params_file(dir / "list.yaml");
    REQUIRE_FALSE(list);
    CHECK(list.error().code == Exit::usage);

    REQUIRE(write_file_atomic(dir / "bad.yaml", "a: 1\nb: [1, 2\n"));
    auto bad = load_params_file(dir / "bad.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("bad.yaml:") != std::string::npos);

    auto missing = load_params_file(dir / "none.yaml");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::usage);
}

TEST_CASE("train: grid axes split at top-level commas and expand to every combination",
          "[train][params]") {
    auto a = parse_grid_axis("depth=2,4,8");
    REQUIRE(a);
    CHECK(a->key == "depth");
    CHECK(a->values == std::vector<json>{2, 4, 8});
    auto b = parse_grid_axis("layers=[64,32],[128]");
    REQUIRE(b);
    CHECK(b->values == std::vector<json>{json::array({64, 32}), json::array({128})});
    auto c = parse_grid_axis("opt='a,b',c");
    REQUIRE(c);
    CHECK(c->values == std::vector<json>{"a,b", "c"});
    CHECK_FALSE(parse_grid_axis("depth"));
    CHECK_FALSE(parse_grid_axis("depth=1,,2"));

    auto combos = expand_grid({*a, *parse_grid_axis("lr=0.1,0.01")});
    REQUIRE(combos.size() == 6);
    // The first axis changes slowest.
    CHECK(combos[0][0].value == 2);
    CHECK(combos[0][1].value == 0.1);
    CHECK(combos[1][0].value == 2);
    CHECK(combos[1][1].value == 0.01);
    CHECK(combos[5][0].value == 8);
    CHECK(expand_grid({}).size() == 1);
    CHECK(expand_grid({}).front().empty());
}

TEST_CASE("train: params flatten to dotted names and format for tables", "[train][params]") {
    json p = {{"lr", 0.1},
              {"model", {{"depth", 4}, {"kind", "forest"}}},
              {"tags", {1, 2}},
              {"empty", json::object()}};
    auto flat = flatten_params(p);
    CHECK(flat.size() == 5);
    CHECK(flat.at("model.depth") == 4);
    CHECK(flat.at("tags") == json::array({1, 2}));
    CHECK(flat.at("empty") == json::object());
    CHECK(format_value(json("adam")) == "adam");
    CHECK(format_value(json(0.1)) == "0.1");
    CHECK(format_value(json(100.0)) == "100");
    CHECK(format_value(json(true)) == "true");
    CHECK(format_value(json::array({1, 2})) == "[1,2]");
}
