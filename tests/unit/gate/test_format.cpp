#include <catch2/catch.hpp>
#include <mlci/gate/format.hpp>

using namespace mlci::gate;

TEST_CASE("gate/format: numbers for people", "[gate][format]") {
    CHECK(format_value(0.955556) == "0.955556");
    CHECK(format_value(0.9555555555) == "0.955556");
    CHECK(format_value(105.0) == "105");
    CHECK(format_value(-0.0) == "0");
    CHECK(format_value(1.5e-7) == "1.5e-07");
    CHECK(format_value(std::optional<double>()) == "-");
    CHECK(format_change(0.05 - 0.1) == "-0.05");
    CHECK(format_change(0.0123) == "+0.0123");
    CHECK(format_change(0) == "0");
}
