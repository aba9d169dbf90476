#include <catch2/catch.hpp>
#include <mlci/net/http.hpp>

using namespace mlci::net;

TEST_CASE("net: locations resolve against the URL that answered them", "[net]") {
    CHECK(resolve_location("http://h:5000/v2/r/blobs/uploads/", "/v2/r/blobs/uploads/u?_state=x") ==
          "http://h:5000/v2/r/blobs/uploads/u?_state=x");
    CHECK(resolve_location("https://h/v2/r/blobs/uploads/", "https://other/u") ==
          "https://other/u");
    CHECK(resolve_location("https://h/v2/r/blobs/uploads/", "u1") ==
          "https://h/v2/r/blobs/uploads/u1");
    CHECK(url_encode("repository:a/b:pull,push") == "repository%3Aa%2Fb%3Apull%2Cpush");
}
