#include <catch2/catch.hpp>
#include <mlci/sign/dsse.hpp>

using namespace mlci;
using namespace mlci::sign;

TEST_CASE("sign/dsse: PAE of the specification's example", "[sign][dsse]") {
    // secure-systems-lab/dsse protocol.md, "Test vectors".
    CHECK(pae("http://example.com/HelloWorld", "hello world") ==
          "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    CHECK(pae("", "") == "DSSEv1 0  0 ");
    // Lengths are byte counts, not characters.
    CHECK(pae("t", "\xc3\xa9") == "DSSEv1 1 t 2 \xc3\xa9");
}

TEST_CASE("sign/dsse: base64 both ways", "[sign][dsse]") {
    CHECK(sign::base64_encode("") == "");
    CHECK(sign::base64_encode("f") == "Zg==");
    CHECK(sign::base64_encode("fo") == "Zm8=");
    CHECK(sign::base64_encode("foo") == "Zm9v");
    CHECK(sign::base64_encode("hello world") == "aGVsbG8gd29ybGQ=");
    CHECK(sign::base64_decode("aGVsbG8gd29ybGQ=") == "hello world");
    CHECK(sign::base64_decode("aGVsbG8gd29ybGQ") == "hello world"); // unpadded
    CHECK(sign::base64_decode("Zg==") == "f");
    CHECK(sign::base64_decode("") == "");
    // URL-safe alphabet: 0xfb 0xff -> "+/8=" standard, "-_8" URL-safe.
    CHECK(sign::base64_decode("+/8=") == std::string("\xfb\xff"));
    CHECK(sign::base64_decode("-_8") == std::string("\xfb\xff"));
    CHECK_FALSE(sign::base64_decode("a"));
    CHECK_FALSE(sign::base64_decode("ab!d"));
    CHECK_FALSE(sign::base64_decode("ab d"));
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    CHECK(sign::base64_decode(sign::base64_encode(all)) == all);
}

TEST_CASE("sign/dsse: envelope JSON round trip", "[sign][dsse]") {
    Envelope e{k_dsse_in_toto, "{\"a\":1}", {{"sha256:ab", std::string("\x00\x01\x02", 3)}}};
    auto j = to_json(e);
    CHECK(j["payloadType"] == k_dsse_in_toto);
    CHECK(j["payload"] == "eyJhIjoxfQ==");
    CHECK(j["signatures"][0]["sig"] == "AAEC");
    auto back = parse_envelope(j.dump(), "test");
    REQUIRE(back);
    CHECK(back->payload_type == e.payload_type);
    CHECK(back->payload == e.payload);
    REQUIRE(back->signatures.size() == 1);
    CHECK(back->signatures[0].keyid == "sha256:ab");
    CHECK(back->signatures[0].sig == e.signatures[0].sig);
}

TEST_CASE("sign/dsse: malformed envelopes are usage errors", "[sign][dsse]") {
    for (auto text : {"", "[]", "{}", R"({"payloadType":"t","payload":"!!","signatures":[]})",
                      R"({"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]})",
                      R"({"payloadType":"t","payload":"","signatures":{}})"}) {
        auto e = parse_envelope(text, "blob");
        REQUIRE_FALSE(e);
        CHECK(e.error().code == Exit::usage);
        CHECK_THAT(e.error().message, Catch::Contains("malformed DSSE envelope 'blob'"));
    }
}
