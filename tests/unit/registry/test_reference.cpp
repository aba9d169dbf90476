#include <catch2/catch.hpp>
#include <mlci/registry/reference.hpp>

using namespace mlci;
using namespace mlci::registry;

TEST_CASE("registry: references parse host, repository, tag and digest", "[registry]") {
    auto r = parse_remote("localhost:5000/team/iris:v3");
    REQUIRE(r);
    CHECK(r->kind == RemoteRef::Kind::registry);
    CHECK(r->host == "localhost:5000");
    CHECK(r->repository == "team/iris");
    CHECK(r->tag == "v3");
    CHECK_FALSE(r->digest);
    CHECK(r->location() == "localhost:5000/team/iris");

    auto d = std::string("sha256:") + std::string(64, 'a');
    auto pinned = parse_remote("ghcr.io/org/model@" + d);
    REQUIRE(pinned);
    CHECK(pinned->host == "ghcr.io");
    CHECK(pinned->tag.empty());
    REQUIRE(pinned->digest);
    CHECK(pinned->digest->str() == d);
    CHECK(pinned->str() == "ghcr.io/org/model@" + d);

    auto both = parse_remote("127.0.0.1:5000/a/b/c:1.2-rc_1@" + d);
    REQUIRE(both);
    CHECK(both->repository == "a/b/c");
    CHECK(both->tag == "1.2-rc_1");
    CHECK(both->pinned(*both->digest) == "127.0.0.1:5000/a/b/c:1.2-rc_1@" + d);

    auto v6 = parse_remote("[::1]:5000/x");
    REQUIRE(v6);
    CHECK(v6->host == "[::1]:5000");
    CHECK(is_loopback_host(v6->host));
}

TEST_CASE("registry: bad registry references are usage errors", "[registry]") {
    for (auto bad : {"iris:v1", "localhost:5000/Team/iris", "localhost:5000/team//iris",
                     "localhost:5000/team/iris:", "localhost:5000/team/iris:-x",
                     "localhost:5000/team/iris@sha256:abc", "localhost:/x", "a.b/x_", "a.b/-x",
                     "oci:", "oci::tag"}) {
        INFO(bad);
        auto r = parse_remote(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
    }
    CHECK(parse_remote("a.b/x__y.z-w--v"));
}

TEST_CASE("registry: oci: layout references end the path at the first colon", "[registry]") {
    auto r = parse_remote("oci:/tmp/store:iris:v3");
    REQUIRE(r);
    CHECK(r->kind == RemoteRef::Kind::layout);
    CHECK(r->path == "/tmp/store");
    CHECK(r->tag == "iris:v3");
    CHECK(r->location() == "oci:/tmp/store");
    auto plain = parse_remote("oci:layout");
    REQUIRE(plain);
    CHECK(plain->tag.empty());
    CHECK(looks_remote("oci:x"));
    CHECK(looks_remote("localhost/x"));
    CHECK_FALSE(looks_remote("iris:v1"));
}

TEST_CASE("registry: pulled artifacts are tagged after the repository's last component",
          "[registry]") {
    CHECK(*default_local_tag(*parse_remote("localhost:5000/team/iris:v3")) == "iris:v3");
    CHECK(*default_local_tag(*parse_remote("localhost:5000/iris")) == "iris:latest");
    CHECK(*default_local_tag(*parse_remote("oci:/x/.mlci:iris:v3")) == "iris:v3");
    CHECK(*default_local_tag(*parse_remote("oci:/x/layout:v3")) == "layout:v3");
    auto d = std::string("sha256:") + std::string(64, 'b');
    CHECK(default_local_tag(*parse_remote("localhost:5000/iris@" + d))->empty());
    CHECK_FALSE(default_local_tag(*parse_remote("oci:/x/.mlci:v3")));
}

TEST_CASE("registry: loopback hosts", "[registry]") {
    CHECK(is_loopback_host("localhost:5000"));
    CHECK(is_loopback_host("127.0.0.1:5000"));
    CHECK(is_loopback_host("127.1.2.3"));
    CHECK_FALSE(is_loopback_host("registry.example.com"));
    CHECK_FALSE(is_loopback_host("[::2]:5000"));
}
