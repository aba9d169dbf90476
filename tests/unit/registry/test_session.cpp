#include <catch2/catch.hpp>
#include <mlci/registry/session.hpp>

using namespace mlci::registry;
using namespace std::chrono_literals;

TEST_CASE("registry: what is retried", "[registry]") {
    for (long s : {408, 429, 500, 502, 503, 504})
        CHECK(retryable_status(s));
    for (long s : {200, 201, 400, 401, 403, 404, 416, 501})
        CHECK_FALSE(retryable_status(s));
}

TEST_CASE("registry: backoff doubles, is capped, and honours Retry-After", "[registry]") {
    RetryPolicy p{5, 200ms, 1000ms};
    auto d1 = backoff_delay(p, 1);
    CHECK(d1 >= 150ms);
    CHECK(d1 <= 250ms);
    auto d3 = backoff_delay(p, 3);
    CHECK(d3 >= 600ms);
    CHECK(d3 <= 1000ms);
    CHECK(backoff_delay(p, 30) <= 1250ms);
    CHECK(backoff_delay(p, 1, "3") == 3000ms);
    CHECK(backoff_delay(p, 1, "garbage") <= 250ms);
    CHECK(backoff_delay(p, 1, "3600") <= 250ms); // an hour is not waited for
}

TEST_CASE("registry: a session to a port nobody listens on fails as unreachable", "[registry]") {
    SessionOptions o;
    o.plain_http = true;
    o.retry = {2, 10ms, 20ms};
    // Port 9 (discard) is closed on loopback in any sane test machine.
    auto s = Session::open("127.0.0.1:9", o, std::nullopt);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == mlci::Exit::runtime);
    CHECK(s.error().message.find("cannot reach registry '127.0.0.1:9'") != std::string::npos);
}

TEST_CASE("registry: credentials are not sent over plain HTTP off this machine", "[registry]") {
    SessionOptions o;
    o.plain_http = true;
    auto s = Session::open("registry.example.com", o, Credentials{"u", "secret", "test"});
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("secret") == std::string::npos);
    CHECK(s.error().message.find("refusing") != std::string::npos);
}
