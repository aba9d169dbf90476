#include <catch2/catch.hpp>
#include <mlci/registry/challenge.hpp>

using namespace mlci::registry;

TEST_CASE("registry: bearer challenges give realm, service and scope", "[registry]") {
    auto c = parse_challenges(
        R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/iris:pull,push")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].param("realm") == "https://auth.example/token");
    CHECK(c[0].param("service") == "registry.example");
    CHECK(c[0].param("scope") == "repository:team/iris:pull,push");
    CHECK(c[0].param("missing").empty());
}

TEST_CASE("registry: basic challenges, several in one header, quoting", "[registry]") {
    auto c = parse_challenges(
        R"(Basic realm="Registry \"Realm\"", Bearer realm=https://a/t,error="insufficient_scope")");
    REQUIRE(c.size() == 2);
    CHECK(c[0].scheme == "basic");
    CHECK(c[0].param("realm") == "Registry \"Realm\"");
    CHECK(c[1].scheme == "bearer");
    CHECK(c[1].param("realm") == "https://a/t");
    CHECK(c[1].param("error") == "insufficient_scope");
}

TEST_CASE("registry: odd challenge headers do not crash the parser", "[registry]") {
    CHECK(parse_challenges("").empty());
    CHECK(parse_challenges("   ").empty());
    auto c = parse_challenges("Basic");
    REQUIRE(c.size() == 1);
    CHECK(c[0].params.empty());
    for (auto s : {"=", "Bearer realm=", "Bearer realm=\"unterminated", ",,,", "Bearer ,realm=x,,"})
        parse_challenges(s);
}
