#include <catch2/catch.hpp>
#include <mlci/core/utf8.hpp>

using namespace mlci;

TEST_CASE("utf8: well-formed sequences decode, malformed ones are found", "[core][utf8]") {
    uint32_t cp = 0;
    CHECK(decode_utf8("\xC3\xA9", 0, cp) == 2);
    CHECK(cp == 0xE9);
    CHECK(decode_utf8("\xF0\x9F\x99\x82", 0, cp) == 4);
    CHECK(cp == 0x1F642);
    CHECK(decode_utf8("\xC0\xAF", 0, cp) == 0);     // overlong '/'
    CHECK(decode_utf8("\xED\xA0\x80", 0, cp) == 0); // a UTF-16 surrogate
    CHECK(decode_utf8("\xE2\x82", 0, cp) == 0);     // cut short

    CHECK(find_invalid_utf8("plain ascii") == std::string_view::npos);
    CHECK(find_invalid_utf8("caf\xC3\xA9 ok") == std::string_view::npos);
    CHECK(find_invalid_utf8("caf\xE9!") == 3); // Latin-1
    CHECK(valid_utf8("caf\xE9!") == "caf\xEF\xBF\xBD!");
    CHECK(valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
}
