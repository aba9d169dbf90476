#include "../test/data_fixture.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/watch/baseline.hpp>
#include <utility>

using namespace mlci;
using namespace mlci::watch;

namespace {

// An artifact of `kind` whose annotations point at `lineage` (relation -> digest).
store::IndexEntry artifact(testing::Project& p, const std::string& tag, const char* type,
                           const std::string& kind, store::Annotations lineage,
                           std::optional<store::Descriptor> subject = std::nullopt) {
    store::Manifest m;
    m.artifact_type = type;
    auto config = p.store.put_blob("{}", "application/json");
    REQUIRE(config);
    m.config = *config;
    m.subject = std::move(subject);
    m.annotations = std::move(lineage);
    m.annotations[store::k_ann_kind] = kind;
    auto d = p.store.put_manifest(m);
    REQUIRE(d);
    REQUIRE(p.store.add_to_index(*d, {tag}));
    return p.entry(tag);
}

std::string lineage(const char* relation) {
    return std::string(store::k_ann_lineage_prefix) + relation;
}

} // namespace

TEST_CASE("watch: the baseline of a dataset, a run and a package", "[watch]") {
    testing::Project p;
    p.write("data/t.csv", testing::sample_csv());
    auto ds = p.add("data/t.csv", "t");

    auto b = load_baseline(p.store, ds);
    REQUIRE(b);
    CHECK(b->kind == "dataset");
    CHECK(b->name == "t");
    CHECK(b->table == "data/t.csv");
    CHECK(b->target == "y");
    CHECK(b->features == std::vector<std::string>{"x", "color"});
    CHECK(b->profile.rows == 100);
    CHECK(b->subject().digest == ds.descriptor.digest);

    auto run = artifact(p, "r:v1", store::k_type_run, "run",
                        {{lineage("inputs"), ds.descriptor.digest.str()}});
    auto pkg = artifact(p, "img:1", store::k_type_package, "package",
                        {{lineage("run"), run.descriptor.digest.str()}});
    for (auto& e : {run, pkg}) {
        auto via = load_baseline(p.store, e);
        REQUIRE(via);
        CHECK(via->dataset.descriptor.digest == ds.descriptor.digest);
        CHECK(via->artifact.descriptor.digest == e.descriptor.digest);
        CHECK(via->profile == b->profile);
    }
    CHECK(load_baseline(p.store, pkg)->kind == "package");
    // By digest, as a deployment records it.
    auto by_digest = load_baseline(p.store, pkg.descriptor.digest);
    REQUIRE(by_digest);
    CHECK(by_digest->kind == "package");

    // A validation leads to its run through its subject.
    auto val = artifact(p, "val:1", store::k_type_validation, "validation", {},
                        store::Descriptor{store::k_oci_manifest,
                                          run.descriptor.digest,
                                          run.descriptor.size,
                                          store::k_type_run,
                                          {},
                                          {}});
    REQUIRE(load_baseline(p.store, val));

    // Nothing to follow: a usage error that says so.
    auto lone = artifact(p, "lone:1", store::k_type_run, "run", {});
    auto none = load_baseline(p.store, lone);
    REQUIRE(!none);
    CHECK(none.error().code == Exit::usage);
    CHECK(none.error().message.find("leads to no dataset") != std::string::npos);
}

TEST_CASE("watch: the baseline's target and table", "[watch]") {
    testing::Project p;
    p.write("data/a.csv", testing::sample_csv());
    p.write("data/b.csv", "k,v\n1,2\n3,4\n");
    auto ds = p.add("data", "both");

    auto two = load_baseline(p.store, ds);
    REQUIRE(!two);
    CHECK(two.error().message.find("--baseline-table") != std::string::npos);

    BaselineOptions o;
    o.table = "a.csv";
    o.target = "none";
    auto a = load_baseline(p.store, ds, o);
    REQUIRE(a);
    CHECK(a->table == "data/a.csv");
    CHECK(a->target.empty());
    CHECK(a->features.size() == 3);
    CHECK(!a->target_column());

    o.target = "color";
    a = load_baseline(p.store, ds, o);
    REQUIRE(a);
    CHECK(a->features == std::vector<std::string>{"x", "y"});
    o.target = "nope";
    CHECK(!load_baseline(p.store, ds, o));
    o.table = "c.csv";
    CHECK(!load_baseline(p.store, ds, o));
}
