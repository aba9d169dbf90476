#include "run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/validate/run_summary.hpp>
#include <mlci/validate/validation.hpp>

using namespace mlci;
using namespace mlci::validate;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

TEST_CASE("validate/run summary: load a run artifact as train writes it",
          "[validate][run_summary]") {
    StoreFixture f;
    auto e = make_run(f.store, "iris-classifier", "succeeded",
                      {{"accuracy", 0.95}, {"train", {{"rows", 105}}}}, {"iris-classifier:v1"});
    auto run = load_run_summary(f.store, e);
    REQUIRE(run);
    CHECK(run->name == "iris-classifier");
    CHECK(run->status == "succeeded");
    CHECK(run->succeeded());
    CHECK(run->metrics.at("accuracy") == 0.95);
    CHECK(run->metrics.at("train.rows") == 105);
    CHECK(run->reference() == "iris-classifier:v1");
}

TEST_CASE("validate/run summary: annotations fill in metrics a record lacks",
          "[validate][run_summary]") {
    StoreFixture f;
    auto e = make_run(f.store, "r", "failed", {{"accuracy", 0.5}}, {},
                      {{"metrics", nlohmann::json::object()}, {"status", "failed"}});
    auto run = load_run_summary(f.store, e);
    REQUIRE(run);
    CHECK(run->metrics.at("accuracy") == 0.5);
    CHECK_FALSE(run->succeeded());
}

TEST_CASE("validate/run summary: another kind of artifact is not a run",
          "[validate][run_summary]") {
    StoreFixture f;
    store::Manifest m;
    m.artifact_type = store::k_type_dataset;
    m.config = *f.store.put_blob("{}", "application/json");
    auto d = *f.store.put_manifest(m);
    REQUIRE(f.store.add_to_index(d, {"iris:v1"}));
    auto r = load_run_summary(f.store, mlci::testing::resolve_digest(f.store, d.digest));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK_THAT(r.error().message,
               Catch::Contains("is not a run") && Catch::Contains(store::k_type_dataset));
}

TEST_CASE("validate/run summary: the run behind an artifact", "[validate][run_summary]") {
    StoreFixture f;
    auto e = make_run(f.store, "r", "succeeded", {{"accuracy", 0.9}});
    CHECK(run_behind(f.store, e)->descriptor.digest == e.descriptor.digest);

    // A validation names the run as its subject.
    auto run = *load_run_summary(f.store, e);
    auto v = evaluate(run, std::nullopt, {}, {});
    auto vd = *store_validation(f.store, v, {}, {});
    auto via_subject = run_behind(f.store, mlci::testing::resolve_digest(f.store, vd.digest));
    REQUIRE(via_subject);
    CHECK(via_subject->descriptor.digest == e.descriptor.digest);

    // A package names it through lineage, a deployment names the package.
    store::Manifest pkg;
    pkg.artifact_type = store::k_type_package;
    pkg.config = *f.store.put_blob("{}", "application/json");
    pkg.annotations["dev.mlci.lineage.run"] = e.descriptor.digest.str();
    auto pd = *f.store.put_manifest(pkg);
    REQUIRE(f.store.add_to_index(pd, {"model:production"}));
    store::Manifest dep;
    dep.artifact_type = store::k_type_deployment;
    dep.config = *f.store.put_blob("{\"d\":1}", "application/json");
    dep.annotations["dev.mlci.lineage.package"] = pd.digest.str();
    auto dd = *f.store.put_manifest(dep);
    REQUIRE(f.store.add_to_index(dd, {}));
    auto via_lineage = run_behind(f.store, mlci::testing::resolve_digest(f.store, dd.digest));
    REQUIRE(via_lineage);
    CHECK(via_lineage->descriptor.digest == e.descriptor.digest);

    store::Manifest lonely;
    lonely.artifact_type = store::k_type_dataset;
    lonely.config = *f.store.put_blob("{\"x\":2}", "application/json");
    auto ld = *f.store.put_manifest(lonely);
    REQUIRE(f.store.add_to_index(ld, {}));
    auto none = run_behind(f.store, mlci::testing::resolve_digest(f.store, ld.digest));
    REQUIRE_FALSE(none);
    CHECK_THAT(none.error().message, Catch::Contains("is not a run and leads to none"));
}
