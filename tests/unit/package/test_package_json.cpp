#include <catch2/catch.hpp>
#include <mlci/package/package.hpp>

using namespace mlci;
using namespace mlci::package;

namespace {

hash::Digest package_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

PackageResult package_result() {
    PackageResult r;
    r.reference = "iris-image:v2";
    r.manifest = {
        "application/vnd.oci.image.manifest.v1+json", package_json_digest('1'), 1234, "", {}, {}};
    r.run = "iris:v3";
    r.run_digest = package_json_digest('2');
    r.verdict = "passed";
    r.validation = package_json_digest('3');
    oci::Layer model;
    model.blob = {
        "application/vnd.oci.image.layer.v1.tar+gzip", package_json_digest('4'), 500, "", {}, {}};
    model.diff_id = package_json_digest('5');
    r.layers = {model};
    r.model_files = 2;
    r.model_bytes = 4096;
    r.serving_files = 1;
    r.provenance.digest = package_json_digest('6');
    r.created = "2026-01-01T00:00:00Z";
    r.base = "python:3.11@" + package_json_digest('7').str();
    return r;
}

} // namespace

TEST_CASE("package json: an image with its base, validation and archive", "[package]") {
    auto r = package_result();
    auto j = to_json(r, oci::ArchiveTarget{oci::ArchiveKind::oci, "out/iris.tar"});
    CHECK(j.size() == 16);
    CHECK(j["reference"] == "iris-image:v2");
    CHECK(j["digest"] == package_json_digest('1').str());
    CHECK(j["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
    CHECK(j["artifactType"] == "");
    CHECK(j["size"] == 1234);
    CHECK(j["unchanged"] == false);
    CHECK(j["created"] == "2026-01-01T00:00:00Z");
    CHECK(j["base"] == r.base);
    CHECK(j["run"] ==
          nlohmann::json{{"reference", "iris:v3"}, {"digest", package_json_digest('2').str()}});
    CHECK(j["validation"] ==
          nlohmann::json{{"digest", package_json_digest('3').str()}, {"verdict", "passed"}});
    REQUIRE(j["layers"].size() == 1);
    CHECK(j["layers"][0] ==
          nlohmann::json{{"digest", package_json_digest('4').str()},
                         {"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                         {"size", 500},
                         {"diff_id", package_json_digest('5').str()}});
    CHECK(j["model_files"] == 2);
    CHECK(j["model_bytes"] == 4096);
    CHECK(j["serving_files"] == 1);
    CHECK(j["provenance"] == package_json_digest('6').str());
    CHECK(j["output"] == "out/iris.tar");
}

TEST_CASE("package json: no base, no validation, no archive are null", "[package]") {
    auto r = package_result();
    r.base.clear();
    r.validation.reset();
    r.verdict = "none";
    r.unchanged = true;
    r.layers.clear();
    auto j = to_json(r, std::nullopt);
    CHECK(j.size() == 16);
    CHECK(j["base"].is_null());
    CHECK(j["validation"]["digest"].is_null());
    CHECK(j["validation"]["verdict"] == "none");
    CHECK(j["output"].is_null());
    CHECK(j["unchanged"] == true);
    CHECK(j["layers"] == nlohmann::json::array());
}
