#include <catch2/catch.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/store/media_types.hpp>

using namespace mlci;
using namespace mlci::registry;

namespace {

store::Descriptor blob(int i) {
    auto data = std::to_string(i);
    return {"application/octet-stream", hash::sha256_of(data), data.size(), {}, {}, {}};
}

} // namespace

TEST_CASE("registry: blob index manifests: deterministic, deduplicated, 1000 a manifest",
          "[registry]") {
    store::Descriptor subject{store::k_oci_manifest, hash::sha256_of("subject"), 7, {}, {}, {}};
    std::vector<store::Descriptor> files;
    files.reserve(2501);
    for (int i = 0; i < 2500; ++i)
        files.push_back(blob(i));
    files.push_back(blob(42)); // a duplicate
    auto a = blob_index_manifests(subject, files);
    std::reverse(files.begin(), files.end());
    auto b = blob_index_manifests(subject, files);
    REQUIRE(a.size() == 3);
    REQUIRE(b.size() == 3);
    size_t layers = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].bytes == b[i].bytes);
        CHECK(a[i].digest == hash::sha256_of(a[i].bytes));
        auto m = store::parse_manifest(a[i].bytes, "test");
        REQUIRE(m);
        CHECK(m->artifact_type == k_type_blob_index);
        REQUIRE(m->subject);
        CHECK(m->subject->digest == subject.digest);
        CHECK(m->config.digest == empty_config().digest);
        CHECK(m->annotations.at(k_ann_blob_index_part) == fmt::format("{}/3", i + 1));
        CHECK(m->layers.size() <= k_blob_index_size);
        layers += m->layers.size();
    }
    CHECK(layers == 2500);
    CHECK(blob_index_manifests(subject, {}).empty());
    CHECK(empty_config().digest.str() ==
          "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}
