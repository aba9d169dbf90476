#include <catch2/catch.hpp>
#include <mlci/junit/xml.hpp>
#include <string_view>

using namespace mlci::junit;
using namespace std::string_view_literals;

TEST_CASE("xml: clean_text removes what XML cannot hold", "[junit][xml]") {
    CHECK(clean_text("plain") == "plain");
    CHECK(clean_text("\x1b[31mred\x1b[0m text") == "red text");
    CHECK(clean_text("bell\x07") == "bell\xEF\xBF\xBD");
    CHECK(clean_text("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
    CHECK(clean_text("overlong \xC0\xAF") == "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(clean_text("cut \xE2\x82") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(clean_text("keep \t\n\r \xE2\x82\xAC") == "keep \t\n\r \xE2\x82\xAC");
    CHECK(clean_text("nul\0x"sv) == "nul\xEF\xBF\xBDx");
}

TEST_CASE("xml: escaped text and attributes read back as written", "[junit][xml]") {
    std::string nasty = "a<b>&\"c'\n\td\r]]>";
    auto doc = "<a v=\"" + xml_attribute(nasty) + "\">" + xml_text(nasty) + "</a>";
    auto parsed = parse_xml(doc, "t.xml");
    REQUIRE(parsed);
    auto& root = *parsed;
    CHECK(root.attribute("v") == nasty);
    CHECK(root.text == "a<b>&\"c'\n\td\n]]>"); // a lone CR reads as a line end
}
