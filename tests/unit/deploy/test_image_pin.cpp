#include <catch2/catch.hpp>
#include <mlci/deploy/image_pin.hpp>

using namespace mlci::deploy;

TEST_CASE("deploy: the repository of an image reference", "[deploy][gitops][image_pin]") {
    CHECK(image_repository("nginx") == "nginx");
    CHECK(image_repository("nginx:1.25") == "nginx");
    CHECK(image_repository("registry.example.com/team/iris:1.0") ==
          "registry.example.com/team/iris");
    CHECK(image_repository("localhost:5000/iris") == "localhost:5000/iris");
    CHECK(image_repository("localhost:5000/iris:2") == "localhost:5000/iris");
    CHECK(image_repository("localhost:5000/iris@sha256:abc") == "localhost:5000/iris");
    CHECK(image_repository("localhost:5000/iris:2@sha256:abc") == "localhost:5000/iris");
    CHECK(ImagePin{"r/x", "sha256:00"}.reference() == "r/x@sha256:00");
}
