#include <catch2/catch.hpp>
#include <limits>
#include <mlci/core/duration.hpp>

using namespace mlci;
using std::chrono::milliseconds;

namespace {

milliseconds ok(std::string_view text, ZeroDuration zero = ZeroDuration::refused) {
    auto d = parse_duration(text, zero);
    INFO(text << ": " << (d ? "" : d.error().message));
    REQUIRE(d);
    return *d;
}

std::string refused(std::string_view text, ZeroDuration zero = ZeroDuration::refused) {
    auto d = parse_duration(text, zero);
    INFO(text);
    REQUIRE_FALSE(d);
    CHECK(d.error().code == Exit::usage);
    return d.error().message;
}

} // namespace

TEST_CASE("duration: seconds and units", "[core][duration]") {
    CHECK(ok("600") == milliseconds(600'000));
    CHECK(ok("1.5") == milliseconds(1500));
    CHECK(ok("1e3") == milliseconds(1'000'000));
    CHECK(ok(".25") == milliseconds(250));
    CHECK(ok("500ms") == milliseconds(500));
    CHECK(ok("30s") == milliseconds(30'000));
    CHECK(ok("5m") == milliseconds(300'000));
    CHECK(ok("2h") == milliseconds(7'200'000));
    CHECK(ok("0.0006") == milliseconds(1)); // rounded to the nearest millisecond
    CHECK(ok("8760h") == k_max_duration);
    CHECK(ok("31536000") == k_max_duration);
}

TEST_CASE("duration: nonsense is refused, naming the value", "[core][duration]") {
    for (auto text : {"", "abc", "nan", "-nan", "inf", "infinity", "-inf", "nanms", "infs", "5d",
                      "5 s", " 5", "5S", "0x10", "+5", "1e", "s", "1.5.2"})
        CHECK_THAT(refused(text), Catch::Contains("is not a duration"));
    CHECK_THAT(refused("-1"), Catch::Contains("'-1' is negative"));
    CHECK_THAT(refused("-0.5ms"), Catch::Contains("negative"));
    CHECK_THAT(refused("-1e400"), Catch::Contains("negative"));
    CHECK_THAT(refused("0"), Catch::Contains("'0' is zero"));
    CHECK_THAT(refused("0s"), Catch::Contains("is zero"));
    CHECK_THAT(refused("-0"), Catch::Contains("is zero"));
    CHECK_THAT(refused("0.0001"), Catch::Contains("shorter than 1 ms"));
    CHECK_THAT(refused("1e-400"), Catch::Contains("shorter than 1 ms"));
}

TEST_CASE("duration: the maximum, and values that overflowed before", "[core][duration]") {
    // Each of these became a negative or wrapped count of milliseconds: a
    // timeout that fired at once.
    for (auto text : {"1e10", "1e17", "1e30", "1e400", "9223372036854775807",
                      "99999999999999999999999", "31536000.001", "8761h", "1e300h", "1.8e308"}) {
        auto message = refused(text);
        CHECK_THAT(message, Catch::Contains("longer than the maximum of 365 days"));
        CHECK_THAT(message, Catch::Contains(std::string("'") + text + "'"));
    }
}

TEST_CASE("duration: zero where it means something", "[core][duration]") {
    CHECK(ok("0", ZeroDuration::allowed) == milliseconds(0));
    CHECK(ok("0ms", ZeroDuration::allowed) == milliseconds(0));
    CHECK(ok("0.0001", ZeroDuration::allowed) == milliseconds(0));
    CHECK_THAT(refused("-1", ZeroDuration::allowed), Catch::Contains("of 0 or more"));
    CHECK_THAT(refused("nan", ZeroDuration::allowed), Catch::Contains("is not a duration"));
    CHECK_THAT(refused("1e30", ZeroDuration::allowed), Catch::Contains("maximum"));
}

TEST_CASE("duration: from a number of seconds", "[core][duration]") {
    CHECK(*duration_from_seconds(600) == milliseconds(600'000));
    CHECK(*duration_from_seconds(0.5) == milliseconds(500));
    for (double bad : {0.0, -1.0, 1e10, 1e30, std::numeric_limits<double>::quiet_NaN(),
                       std::numeric_limits<double>::infinity()})
        CHECK_FALSE(duration_from_seconds(bad));
    CHECK(*duration_from_seconds(0, ZeroDuration::allowed) == milliseconds(0));
}

TEST_CASE("duration: formatted for messages", "[core][duration]") {
    CHECK(format_duration(milliseconds(250)) == "250 ms");
    CHECK(format_duration(milliseconds(1500)) == "1.5 s");
    CHECK(format_duration(milliseconds(90'000)) == "90 s");
    CHECK(format_duration(milliseconds(7'200'000)) == "2 h");
    CHECK(format_duration(k_max_duration) == "8760 h");
    CHECK(to_seconds(milliseconds(1500)) == 1.5);
}
