#include <catch2/catch.hpp>
#include <mlci/watch/event.hpp>

using namespace mlci::watch;

TEST_CASE("watch: an event line parses into features, prediction, label and time", "[watch]") {
    EventParser p({}, {"age", "city", "vip"});
    Event e;
    auto err = p.parse_copy(R"({"ts": 1700000000.5, "features": {"city": "Oslo", "age": 41,)"
                            R"( "vip": true, "extra": [1]}, "prediction": "yes", "label": 1})",
                            e);
    REQUIRE(err.empty());
    REQUIRE(e.features.size() == 3);
    CHECK(e.features[0].kind == Value::Kind::number);
    CHECK(e.features[0].number == 41);
    CHECK(e.features[0].text == "41");
    CHECK(e.features[1].kind == Value::Kind::text);
    CHECK(e.features[1].text == "Oslo");
    CHECK(e.features[2].text == "true");
    CHECK(e.prediction.text == "yes");
    CHECK(e.label.kind == Value::Kind::number);
    CHECK(e.label.number == 1);
    REQUIRE(e.ts);
    CHECK(*e.ts == 1700000000.5);
    CHECK(e.unknown_features == 1);

    // Absent and null features are missing; values reset between lines.
    REQUIRE(p.parse_copy(R"({"features": {"age": null}})", e).empty());
    CHECK(e.features[0].kind == Value::Kind::missing);
    CHECK(e.features[1].kind == Value::Kind::missing);
    CHECK(e.prediction.kind == Value::Kind::missing);
    CHECK(!e.ts);
}

TEST_CASE("watch: field names are configurable", "[watch]") {
    EventFields f;
    f.ts = "time";
    f.features = "inputs";
    f.prediction = "output";
    f.label = "truth";
    EventParser p(f, {"a"});
    Event e;
    REQUIRE(p.parse_copy(R"({"time":"2024-05-01T12:00:00Z","inputs":{"a":"x"},)"
                         R"("output":2.5,"truth":3})",
                         e)
                .empty());
    CHECK(e.features[0].text == "x");
    CHECK(e.prediction.number == 2.5);
    CHECK(e.label.number == 3);
    REQUIRE(e.ts);
    CHECK(*e.ts == 1714564800);
    // The default names mean nothing now.
    CHECK(p.parse_copy(R"({"features":{"a":1}})", e) == "no 'inputs' object");
}

TEST_CASE("watch: malformed lines say why", "[watch]") {
    EventParser p({}, {"a"});
    Event e;
    CHECK(p.parse_copy("not json", e) == "not valid JSON");
    CHECK(p.parse_copy("[1, 2]", e) == "not a JSON object");
    CHECK(p.parse_copy(R"({"features": 3})", e) == "'features' is not an object");
    CHECK(p.parse_copy(R"({"prediction": 1})", e) == "no 'features' object");
    CHECK(p.parse_copy(R"({"features": {"a": [1]}})", e) == "feature 'a' is an array");
    CHECK(p.parse_copy(R"({"features": {"a": 1}} trailing)", e).starts_with("not valid JSON"));
    CHECK(p.parse_copy(R"({"features": {"a": 1}} {"features": {}})", e).starts_with("not valid"));
    CHECK(p.parse_copy("true", e) == "not a JSON object");
    CHECK(p.parse_copy(R"({"features": {"a": 1)", e) != "");
    CHECK(p.parse_copy(R"({"ts": "yesterday", "features": {}})", e) == "'ts' is not a timestamp");
    // The parser recovers: the next good line parses.
    CHECK(p.parse_copy(R"({"features": {"a": 1}})", e).empty());
    CHECK(e.features[0].number == 1);
}

TEST_CASE("watch: timestamps: epoch seconds, milliseconds and RFC 3339", "[watch]") {
    CHECK(parse_timestamp("1714564800") == 1714564800.0);
    CHECK(parse_timestamp("1714564800500") == 1714564800.5);
    CHECK(parse_timestamp("2024-05-01T12:00:00Z") == 1714564800.0);
    CHECK(parse_timestamp("2024-05-01T14:00:00+02:00") == 1714564800.0);
    CHECK(parse_timestamp("2024-05-01T12:00:00.25Z") == 1714564800.25);
    CHECK(!parse_timestamp("2024-05-01"));
    CHECK(!parse_timestamp("2024-05-01T12:00:00"));
    CHECK(!parse_timestamp("soon"));
    // from_chars would read these as numbers; they are not times.
    CHECK(!parse_timestamp("nan"));
    CHECK(!parse_timestamp("inf"));
    CHECK(!parse_timestamp("-infinity"));
}
