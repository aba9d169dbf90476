#include "../temp_dir.hpp"
#include "image_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/oci/archive_writer.hpp>
#include <mlci/oci/base_image.hpp>
#include <mlci/oci/media_types.hpp>

using namespace mlci;
using namespace mlci::oci;

namespace {

struct Stores {
    testing::TempDir dir;
    store::Store from = *store::Store::init(dir / "layout"); // a store is an OCI layout
    store::Store to = *store::Store::init(dir / "store");
};

} // namespace

TEST_CASE("oci base: scratch is an empty amd64/linux image", "[oci]") {
    Stores s;
    auto b = load_base_image(s.to, "scratch", {}, {});
    REQUIRE(b);
    CHECK(b->scratch());
    CHECK(b->layers.empty());
    CHECK(b->config["architecture"] == "amd64");
}

TEST_CASE("oci base: an image in an OCI layout is copied into the store", "[oci]") {
    Stores s;
    auto image = testing::make_image(s.from, s.dir.path(), "tool:1", "binary");
    testing::make_image(s.from, s.dir.path(), "tool:2", "other");
    auto spec = "oci:" + s.from.root().string() + ":tool:1";
    auto b = load_base_image(s.to, spec, {}, {});
    REQUIRE(b);
    CHECK(b->manifest->digest == image.manifest.digest);
    REQUIRE(b->layers.size() == 1);
    CHECK(s.to.has_blob(b->layers[0].digest));
    CHECK(b->config["config"]["Entrypoint"] == nlohmann::json({"/usr/bin/tool"}));

    // Without a name, a layout of two images is ambiguous; a wrong name lists them.
    auto two = load_base_image(s.to, "oci:" + s.from.root().string(), {}, {});
    REQUIRE_FALSE(two);
    CHECK(two.error().code == Exit::usage);
    CHECK(two.error().message.find("tool:2") != std::string::npos);
    auto wrong = load_base_image(s.to, "oci:" + s.from.root().string() + ":nope", {}, {});
    CHECK(wrong.error().code == Exit::usage);
    CHECK(load_base_image(s.to, "oci:" + (s.dir / "missing").string(), {}, {}).error().code ==
          Exit::usage);
}

TEST_CASE("oci base: an OCI archive, and an image already in the store", "[oci]") {
    Stores s;
    auto image = testing::make_image(s.from, s.dir.path(), "tool:1", "binary");
    auto file = s.dir / "tool.tar";
    REQUIRE(write_archive(s.from, image.manifest, "tool:1", {ArchiveKind::oci, file}, 0, {}));
    for (const auto& spec :
         {"oci-archive:" + file.string(), "oci-archive:" + file.string() + ":tool:1"}) {
        auto b = load_base_image(s.to, spec, {}, {});
        REQUIRE(b);
        CHECK(b->manifest->digest == image.manifest.digest);
        CHECK(s.to.has_blob(b->layers[0].digest));
    }
    auto local = load_base_image(s.from, "tool:1", {}, {});
    REQUIRE(local);
    CHECK(local->manifest->digest == image.manifest.digest);
}

TEST_CASE("oci base: registry references and unknown bases say what to do", "[oci]") {
    Stores s;
    for (auto spec :
         {"registry.example.com/team/python:3.11", "docker://python:3.11", "localhost:5000/base"}) {
        auto b = load_base_image(s.to, spec, {}, {});
        REQUIRE_FALSE(b);
        CHECK(b.error().code == Exit::usage);
        CHECK(b.error().message.find("mlci pull") != std::string::npos);
    }
    auto unknown = load_base_image(s.to, "python:3.11", {}, {});
    CHECK(unknown.error().code == Exit::usage);
    CHECK(load_base_image(s.to, "docker-archive:x.tar", {}, {}).error().code == Exit::usage);
}

TEST_CASE("oci base: Docker media types and multi-platform indexes", "[oci]") {
    Stores s;
    auto image = testing::make_image(s.from, s.dir.path(), "tool:1", "binary");
    // The same image as Docker's v2 schema 2 manifest.
    store::Manifest docker = image.doc;
    docker.media_type = store::k_docker_manifest;
    docker.artifact_type.clear();
    docker.config.media_type = k_docker_config;
    docker.layers[0].media_type = k_docker_layer_gzip;
    auto dm = s.from.put_manifest(docker);
    REQUIRE(dm);
    // An index of an arm64 image (the same manifest, for the test) and the Docker one.
    auto entry = [](const store::Descriptor& d, const char* arch) {
        auto j = store::to_json(d);
        j.erase("artifactType");
        j["platform"] = {{"os", "linux"}, {"architecture", arch}};
        return j;
    };
    nlohmann::json index{{"schemaVersion", 2},
                         {"mediaType", store::k_oci_index},
                         {"manifests", {entry(image.manifest, "arm64"), entry(*dm, "amd64")}}};
    auto idx = s.from.put_blob(index.dump(), store::k_oci_index);
    REQUIRE(idx);
    REQUIRE(s.from.add_to_index(*idx, {"multi:1"}));

    auto spec = "oci:" + s.from.root().string() + ":multi:1";
    auto b = load_base_image(s.to, spec, {}, {});
    REQUIRE(b);
    CHECK(b->manifest->digest == dm->digest);
    CHECK(b->layers[0].media_type == k_layer_gzip); // mapped to OCI's
    auto arm = load_base_image(s.to, spec, {"linux", "arm64", ""}, {});
    REQUIRE(arm);
    CHECK(arm->manifest->digest == image.manifest.digest);
    auto none = load_base_image(s.to, spec, {"linux", "s390x", ""}, {});
    REQUIRE_FALSE(none);
    CHECK(none.error().message.find("linux/arm64") != std::string::npos);
}
