#include "../temp_dir.hpp"
#include "test_artifact.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/artifact_json.hpp>
#include <mlci/store/media_types.hpp>

using namespace mlci;
using namespace mlci::store;

TEST_CASE("kind_of: the kind annotation, the artifact type, an image", "[store][artifact_json]") {
    Manifest m;
    m.config.media_type = k_oci_config;
    CHECK(kind_of(m) == "image");
    m.config.media_type = "application/vnd.test.config+json";
    CHECK(kind_of(m) == "application/vnd.test.config+json");
    m.artifact_type = "application/vnd.test.v1";
    CHECK(kind_of(m) == "application/vnd.test.v1");
    m.annotations[k_ann_kind] = "run";
    CHECK(kind_of(m) == "run");
}

TEST_CASE("artifact json: reference, digest, kind, manifest and config", "[store][artifact_json]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto d = testing::put_test_artifact(*s, "x");
    REQUIRE(s->add_to_index(d, {"a:v1"}));
    IndexEntry tagged{d, "a:v1"};
    auto j = artifact_json(*s, tagged);
    REQUIRE(j);
    CHECK(j->size() == 5);
    CHECK((*j)["reference"] == "a:v1");
    CHECK((*j)["digest"] == d.digest.str());
    CHECK((*j)["kind"] == "application/vnd.test.v1");
    // The manifest as stored, not as mlci would write it again.
    CHECK((*j)["manifest"] == nlohmann::json::parse(*s->read_blob(d.digest)));
    CHECK((*j)["manifest"]["artifactType"] == "application/vnd.test.v1");
    CHECK((*j)["config"] == nlohmann::json{{"c", "x"}});

    // Untagged: named by its digest. A config that is not JSON is left out.
    Manifest m;
    m.artifact_type = "application/vnd.test.v1";
    m.config = *s->put_blob("not json", "application/octet-stream");
    auto raw = s->put_manifest(m);
    REQUIRE(raw);
    auto k = artifact_json(*s, IndexEntry{*raw, ""});
    REQUIRE(k);
    CHECK((*k)["reference"] == raw->digest.str());
    CHECK_FALSE(k->contains("config"));
    CHECK(k->size() == 4);

    // A manifest the store does not have is an error, not an empty document.
    Descriptor missing = d;
    missing.digest = *hash::Digest::parse("sha256:" + std::string(64, 'f'));
    CHECK_FALSE(artifact_json(*s, IndexEntry{missing, ""}));
}
