#include "../validate/run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/deploy/baseline.hpp>

using namespace mlci;
using namespace mlci::deploy;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

namespace {

// Records that `package` now runs in `env`.
void deploy_to(store::Store& store, const std::string& env, const store::IndexEntry& package) {
    Deployment d;
    d.environment = env;
    d.target = "dir:/srv/iris";
    d.package = package.descriptor.digest;
    d.package_ref = "iris:v2";
    d.outcome = Outcome::deployed;
    d.finished = "2026-12-01T12:00:00Z";
    REQUIRE(record_deployment(store, d, package.descriptor));
}

} // namespace

TEST_CASE("baseline: an environment stands for what is deployed there, before a tag", "[deploy]") {
    StoreFixture f;
    // A tag and an environment of the same name, on different runs: validate
    // and report once disagreed on which one 'staging' meant.
    auto tagged = make_run(f.store, "iris", "succeeded", {{"accuracy", 0.8}}, {"staging:latest"});
    auto deployed = make_run(f.store, "iris", "succeeded", {{"accuracy", 0.9}}, {"iris:v2"});
    REQUIRE(tagged.descriptor.digest != deployed.descriptor.digest);

    auto by_tag = resolve_baseline(f.store, "staging");
    REQUIRE(by_tag);
    CHECK(by_tag->entry.descriptor.digest == tagged.descriptor.digest);
    CHECK_FALSE(by_tag->deployed);

    deploy_to(f.store, "staging", deployed);
    auto by_env = resolve_baseline(f.store, "staging");
    REQUIRE(by_env);
    CHECK(by_env->entry.descriptor.digest == deployed.descriptor.digest);
    REQUIRE(by_env->deployed);
    CHECK(by_env->deployed->reference == "deploy-staging:v1");

    auto by_ref = resolve_baseline(f.store, "staging:latest");
    REQUIRE(by_ref);
    CHECK(by_ref->entry.descriptor.digest == tagged.descriptor.digest);
}

TEST_CASE("baseline: a name that is neither says so", "[deploy]") {
    StoreFixture f;
    auto none = resolve_baseline(f.store, "production");
    REQUIRE_FALSE(none);
    CHECK(none.error().code == Exit::usage);
    CHECK(none.error().message ==
          "'production' is neither a reference in the store nor an environment with a deployment");
    // Not an environment name: the reference's own error.
    auto missing = resolve_baseline(f.store, "iris:v9");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::usage);
    CHECK(missing.error().message.find("neither") == std::string::npos);
}
