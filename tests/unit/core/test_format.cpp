#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <mlci/core/format.hpp>

using namespace mlci;

TEST_CASE("core/format: sizes in binary units", "[core][format]") {
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(1023) == "1023 B");
    CHECK(human_bytes(1024) == "1.0 KiB");
    CHECK(human_bytes(1536) == "1.5 KiB");
    CHECK(human_bytes(uint64_t{3} << 30) == "3.0 GiB");
    CHECK(human_bytes(uint64_t{5} << 50) == "5120.0 TiB"); // no unit past TiB
    CHECK(signed_bytes(4096) == "+4.0 KiB");
    CHECK(signed_bytes(-8) == "-8 B");
    CHECK(signed_bytes(0) == "+0 B");
    CHECK(signed_bytes(std::numeric_limits<int64_t>::min()) == "-8388608.0 TiB");
}

TEST_CASE("core/format: a size change shows bytes when rounding hides it", "[core][format]") {
    CHECK(size_change(1024, 2560) == "1.0 KiB -> 2.5 KiB");
    CHECK(size_change(1030, 1031) == "1030 B -> 1031 B");
    CHECK(size_change(1030, 1030) == "1.0 KiB -> 1.0 KiB");
}

TEST_CASE("core/format: rates", "[core][format]") {
    CHECK(human_rate(uint64_t{24} << 20, 2.0) == "12.0 MiB/s");
    CHECK(human_rate(100, 0.0) == "0 B/s");
    CHECK(human_rate(100, -1.0) == "0 B/s");
}

TEST_CASE("core/format: numbers for people", "[core][format]") {
    CHECK(human_number(0.955556) == "0.955556");
    CHECK(human_number(0.9555555555) == "0.955556");
    CHECK(human_number(105.0) == "105");
    CHECK(human_number(-0.0) == "0");
    CHECK(human_number(1.5e-7) == "1.5e-07");
    CHECK(human_number(1234567.0) == "1.23457e+06");
    CHECK(human_number(std::optional<double>()) == "-");
    CHECK(human_number(std::optional<double>(0.5)) == "0.5");
    CHECK(human_change(0.05 - 0.1) == "-0.05");
    CHECK(human_change(0.0123) == "+0.0123");
    CHECK(human_change(0) == "0");
}

TEST_CASE("core/format: measured seconds", "[core][format]") {
    CHECK(human_seconds(0.254) == "254 ms");
    CHECK(human_seconds(1.5) == "1.5 s");
    CHECK(human_seconds(90) == "90 s");
    CHECK(human_seconds(7200) == "2 h");
    CHECK(human_seconds(-1) == "0 ms");
    CHECK(human_seconds(std::numeric_limits<double>::quiet_NaN()) == "0 ms");
    CHECK(human_seconds(1e300) == "8760 h");
}
