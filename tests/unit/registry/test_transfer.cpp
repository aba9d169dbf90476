// push and pull through the oci: layout transport, end to end on real stores.
#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/hash/sha256.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/registry/transfer.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/media_types.hpp>
#include <unistd.h>

using namespace mlci;
using namespace mlci::registry;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/mlci-transfer-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// A dataset-like artifact: a file list naming three file blobs, tagged.
store::IndexEntry make_artifact(store::Store& s, const std::string& tag) {
    std::vector<store::FileEntry> files;
    for (int i = 0; i < 3; ++i) {
        auto d = *s.put_blob(fmt::format("content {} of {}", i, tag), "application/octet-stream");
        files.push_back({fmt::format("f{}.txt", i), d.size, 0644, d.digest});
    }
    auto list = *s.put_blob(store::serialize_file_list(files), store::k_media_file_list);
    auto config = *s.put_blob("{}", "application/vnd.mlci.dataset.config.v1+json");
    store::Manifest m;
    m.artifact_type = store::k_type_dataset;
    m.config = config;
    m.layers.push_back(list);
    auto desc = *s.put_manifest(m);
    REQUIRE(s.add_to_index(desc, {tag}));
    return {desc, tag};
}

} // namespace

TEST_CASE("registry: push to an oci: layout and pull into a fresh store", "[registry]") {
    TempDir tmp;
    auto a = *store::Store::init(tmp.path / "a");
    auto entry = make_artifact(a, "iris:v1");
    // A referrer of the artifact, listed untagged.
    store::Manifest report;
    report.artifact_type = store::k_type_test_report;
    report.config =
        *a.put_blob(R"({"ok":true})", "application/vnd.mlci.test-report.config.v1+json");
    report.subject = entry.descriptor;
    auto report_desc = *a.put_manifest(report);
    REQUIRE(a.add_to_index(report_desc, {}));

    auto dest = *parse_remote("oci:" + (tmp.path / "layout").string());
    PushOptions po;
    auto pushed = push(a, entry, dest, po, {});
    REQUIRE(pushed);
    CHECK(pushed->reference == dest.location() + ":iris:v1@" + entry.descriptor.digest.str());
    CHECK(pushed->blobs_uploaded > 0);
    CHECK(pushed->referrers == 2); // the blob index and the report

    auto again = push(a, entry, dest, po, {});
    REQUIRE(again);
    CHECK(again->bytes_uploaded == 0);
    CHECK(again->manifests_pushed == 0);

    auto b = *store::Store::init(tmp.path / "b");
    auto src = *parse_remote("oci:" + (tmp.path / "layout").string() + ":iris:v1");
    PullOptions pl;
    auto pulled = pull(b, src, pl, {});
    REQUIRE(pulled);
    CHECK(pulled->reference == "iris:v1");
    CHECK(pulled->digest == entry.descriptor.digest);
    CHECK(pulled->referrers == 1);
    CHECK(b.has_blob(report_desc.digest));
    auto report_verify = store::verify(b, 2, {});
    REQUIRE(report_verify);
    CHECK(report_verify->problems.empty());
    // The blob index stays in the layout; the store gets the dataset's file blobs.
    auto edges = store::children(a, entry.descriptor.digest, store::k_oci_manifest);
    REQUIRE(edges);
    for (auto& e : *edges)
        CHECK(b.has_blob(e.digest));
    auto list = *a.read_manifest(entry.descriptor.digest);
    auto files = store::parse_file_list(*a.read_blob(list.layers[0].digest), "test");
    REQUIRE(files);
    for (auto& f : *files)
        CHECK(b.has_blob(f.digest));
}

TEST_CASE("registry: a pull whose blob does not match its digest leaves nothing", "[registry]") {
    TempDir tmp;
    auto a = *store::Store::init(tmp.path / "a");
    auto entry = make_artifact(a, "x:v1");
    auto dest = *parse_remote("oci:" + (tmp.path / "layout").string());
    REQUIRE(push(a, entry, dest, {}, {}));
    // Corrupt the file list in the layout.
    auto m = *a.read_manifest(entry.descriptor.digest);
    auto victim = tmp.path / "layout" / "blobs" / "sha256" / std::string(m.layers[0].digest.hex());
    fs::permissions(victim, fs::perms::owner_write, fs::perm_options::add);
    {
        std::ofstream f(victim, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(1);
        f.put('#');
    }
    auto b = *store::Store::init(tmp.path / "b");
    auto src = *parse_remote("oci:" + (tmp.path / "layout").string() + ":x:v1");
    auto r = pull(b, src, {}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK(r.error().message.find("is corrupt") != std::string::npos);
    CHECK(b.entries()->empty());
    CHECK_FALSE(b.has_blob(m.layers[0].digest));
    CHECK(fs::is_empty(b.temp_dir()));
}

TEST_CASE("registry: pushing by a pinned digest that is not the artifact's is refused",
          "[registry]") {
    TempDir tmp;
    auto a = *store::Store::init(tmp.path / "a");
    auto entry = make_artifact(a, "x:v1");
    auto other = hash::sha256_of("other");
    auto dest = *parse_remote("oci:" + (tmp.path / "layout").string() + "@" + other.str());
    auto r = push(a, entry, dest, {}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
}
