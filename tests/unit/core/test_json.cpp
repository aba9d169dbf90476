#include <catch2/catch.hpp>
#include <mlci/core/json.hpp>

using namespace mlci;

TEST_CASE("core/json: parse_json reads JSON and names what failed", "[core][json]") {
    auto ok = parse_json(R"({"a": [1, 2]})", "thing");
    REQUIRE(ok);
    CHECK((*ok)["a"][1] == 2);
    CHECK(parse_json("[1]", "thing")->is_array());

    auto bad = parse_json(R"({"loss": NaN})", "metrics file 'm.json'");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK_THAT(bad.error().message,
               Catch::StartsWith("malformed metrics file 'm.json': not JSON (line 1, column 10:"));
    CHECK_THAT(bad.error().message, Catch::EndsWith("invalid literal; last read: '\"loss\": N')"));

    // A number beyond a double is refused like a syntax error, not thrown.
    auto big = parse_json(R"({"x": 1e400})", "x");
    REQUIRE_FALSE(big);
    CHECK_THAT(big.error().message, Catch::StartsWith("malformed x: not JSON (number overflow"));

    CHECK_FALSE(parse_json("", "empty"));
    CHECK_FALSE(parse_json("{} trailing", "tail"));
    CHECK_FALSE(parse_json("\"\xff\"", "not UTF-8"));
}

TEST_CASE("core/json: parse_json_object wants an object", "[core][json]") {
    CHECK(parse_json_object("{}", "index")->empty());
    auto list = parse_json_object("[1]", "index 'x'");
    REQUIRE_FALSE(list);
    CHECK(list.error().message == "malformed index 'x': not a JSON object");
    auto broken = parse_json_object("{", "index 'x'");
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::StartsWith("malformed index 'x': not JSON ("));
}
