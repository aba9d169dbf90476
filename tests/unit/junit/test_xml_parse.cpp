#include <catch2/catch.hpp>
#include <mlci/junit/xml.hpp>
#include <random>
#include <string_view>

using namespace std::string_view_literals;

using namespace mlci;
using namespace mlci::junit;

namespace {

XmlElement parse_xml_ok(std::string_view text) {
    auto r = parse_xml(text, "t.xml");
    if (!r)
        FAIL(r.error().message);
    return *r;
}

std::string parse_error(std::string_view text) {
    auto r = parse_xml(text, "t.xml");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    return r.error().message;
}

} // namespace

TEST_CASE("xml: elements, attributes and text", "[junit][xml]") {
    auto root =
        parse_xml_ok("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- hi -->\n<!DOCTYPE a [<!ENTITY x "
                     "'y'>]>\n<a k='1' j=\"two words\">x<b/>y<![CDATA[<raw>&amp;]]><?pi?>"
                     "<!-- c --><c  z = \"3\" >t</c ></a>\n<!-- after -->\n");
    CHECK(root.name == "a");
    CHECK(root.attribute("k") == "1");
    CHECK(root.attribute("j") == "two words");
    CHECK(root.attribute("missing", "dflt") == "dflt");
    CHECK(root.has_attribute("k"));
    CHECK_FALSE(root.has_attribute("z"));
    CHECK(root.text == "xy<raw>&amp;");
    REQUIRE(root.children.size() == 2);
    CHECK(root.children[0].name == "b");
    CHECK(root.children[1].attribute("z") == "3");
    CHECK(root.children[1].text == "t");
    CHECK(root.line == 4);
}

TEST_CASE("xml: entities and character references", "[junit][xml]") {
    auto root =
        parse_xml_ok("<a v=\"&lt;&gt;&amp;&apos;&quot;&#10;&#x41;\">&#233;&#x1F600; & &bogus; "
                     "&#0; &#xD800;</a>");
    CHECK(root.attribute("v") == "<>&'\"\nA");
    // Invalid references are kept as text rather than refused: reports
    // from sloppy generators still read.
    CHECK(root.text == "\xC3\xA9\xF0\x9F\x98\x80 & &bogus; &#0; &#xD800;");
}

TEST_CASE("xml: attribute values are normalised, text keeps line ends", "[junit][xml]") {
    auto root = parse_xml_ok("<a v=\"x\ny\tz\">1\r\n2\r3</a>");
    CHECK(root.attribute("v") == "x y z");
    CHECK(root.text == "1\n2\n3");
}

TEST_CASE("xml: malformed documents name the line", "[junit][xml]") {
    CHECK_THAT(parse_error("<a>\n<b>\n</a>"), Catch::Contains("t.xml' at line 3") &&
                                                  Catch::Contains("</a> closes <b> from line 2"));
    CHECK_THAT(parse_error("<a>\n<b>"), Catch::Contains("element <b> from line 2 is not closed"));
    CHECK_THAT(parse_error("<a k=v/>"), Catch::Contains("not quoted"));
    CHECK_THAT(parse_error("<a k='1'k2='2'/>"), Catch::Contains("expected a space"));
    CHECK_THAT(parse_error("<a k/>"), Catch::Contains("has no '='"));
    CHECK_THAT(parse_error("<a/><b/>"), Catch::Contains("content after the end"));
    CHECK_THAT(parse_error(""), Catch::Contains("no root element"));
    CHECK_THAT(parse_error("  hello"), Catch::Contains("text before the root"));
    CHECK_THAT(parse_error("<a><!-- x</a>"), Catch::Contains("comment is not closed"));
    CHECK_THAT(parse_error("<a><![CDATA[x</a>"), Catch::Contains("CDATA section is not closed"));
    CHECK_THAT(parse_error("<a k='<'/>"), Catch::Contains("'<' in the value"));
    CHECK_THAT(parse_error("<1/>"), Catch::Contains("expected an element name"));
}

TEST_CASE("xml: nesting deeper than the limit is refused, not a stack overflow", "[junit][xml]") {
    std::string deep;
    for (size_t i = 0; i < 100000; ++i)
        deep += "<a>";
    CHECK_THAT(parse_error(deep), Catch::Contains("nested deeper than"));
    std::string ok;
    for (size_t i = 0; i < 200; ++i)
        ok += "<a>";
    for (size_t i = 0; i < 200; ++i)
        ok += "</a>";
    CHECK(parse_xml(ok, "t"));
}

TEST_CASE("xml: damaged input never crashes the reader", "[junit][xml]") {
    const std::string seed =
        "<?xml version=\"1.0\"?><testsuites><testsuite name=\"s\" tests=\"2\"><testcase "
        "classname=\"c\" name=\"n&amp;\" time=\"0.1\"><failure message=\"m\">tb <![CDATA[x]]>"
        "</failure></testcase><testcase name='b'/><!-- c --></testsuite></testsuites>";
    std::mt19937 rng(42);
    const std::string alphabet = "<>/=\"'&;![]-?x \n#\xC3\xFF";
    for (int i = 0; i < 20000; ++i) {
        std::string s = seed;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            size_t at = rng() % (s.size() + 1);
            switch (rng() % 3) {
            case 0:
                s.insert(at, 1, alphabet[rng() % alphabet.size()]);
                break;
            case 1:
                if (at < s.size())
                    s.erase(at, 1);
                break;
            default:
                s = s.substr(0, at);
                break;
            }
        }
        auto r = parse_xml(s, "fuzz");
        if (!r)
            CHECK(r.error().message.starts_with("malformed XML in 'fuzz' at line "));
    }
}
