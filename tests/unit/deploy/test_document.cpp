#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/deploy/document.hpp>
#include <mlci/store/media_types.hpp>

using namespace mlci;
using namespace mlci::deploy;

namespace {

hash::Digest digest_of(char c) {
    return *hash::Digest::parse("sha256:" + std::string(64, c));
}

DeploymentEntry entry_of(unsigned version, char package, Outcome outcome) {
    DeploymentEntry e;
    e.version = version;
    e.reference = fmt::format("deploy-prod:v{}", version);
    e.digest = digest_of('d');
    e.deployment.environment = "prod";
    e.deployment.target = "dir:/srv/iris";
    e.deployment.package = digest_of(package);
    e.deployment.package_ref = "iris-image:v3";
    e.deployment.outcome = outcome;
    e.deployment.user = "ci";
    e.deployment.finished = "2024-05-01T12:00:00Z";
    return e;
}

// Records a deployment of package `c` to prod in `store`.
void record_to_prod(store::Store& store, char c, Outcome outcome) {
    auto e = entry_of(0, c, outcome);
    store::Descriptor package{store::k_oci_manifest, digest_of(c), 100, {}, {}, {}};
    REQUIRE(record_deployment(store, e.deployment, package));
}

} // namespace

TEST_CASE("deploy documents: a deployment, status and history", "[deploy]") {
    auto e = entry_of(4, 'a', Outcome::rolled_back);
    e.deployment.detail = "health check failed";
    auto doc = to_json(e);
    CHECK(doc["reference"] == "deploy-prod:v4");
    CHECK(doc["version"] == 4);
    CHECK(doc["digest"] == digest_of('d').str());
    CHECK(doc["environment"] == "prod");
    CHECK(doc["target"] == "dir:/srv/iris");
    CHECK(doc["outcome"] == "rolled-back");
    CHECK(doc["detail"] == "health check failed");
    CHECK(doc["package"]["digest"] == digest_of('a').str());
    CHECK(doc["package"]["reference"] == "iris-image:v3");
    CHECK(doc["previous"].is_null());

    DeployResult r;
    r.entry = e;
    r.failure = Error{Exit::gate, "health check failed"};
    CHECK(to_json(r) == doc); // the record says why; the failure is the exit code

    CHECK(to_json(std::optional<DeploymentEntry>()).is_null());
    CHECK(to_json(std::optional<DeploymentEntry>(e))["reference"] == "deploy-prod:v4");

    auto history = to_json(std::vector<DeploymentEntry>{entry_of(1, 'a', Outcome::deployed),
                                                        entry_of(2, 'b', Outcome::failed)});
    REQUIRE(history.is_array());
    REQUIRE(history.size() == 2);
    CHECK(history[0]["version"] == 1); // oldest first
    CHECK(history[1]["outcome"] == "failed");
    CHECK(history[1]["package"]["digest"] == digest_of('b').str());
    CHECK(to_json(std::vector<DeploymentEntry>{}) == nlohmann::json::array());
}

TEST_CASE("deploy rollback: --to names a deployment or a package", "[deploy]") {
    CHECK(names_deployment(""));
    CHECK(names_deployment("3"));
    CHECK(names_deployment("v12"));
    CHECK_FALSE(names_deployment("iris-image:v3"));
    CHECK_FALSE(names_deployment("sha256:" + std::string(64, 'a')));
}

TEST_CASE("deploy rollback: a release that ran before skips the policy", "[deploy]") {
    testing::TempDir dir;
    auto store = store::Store::init(dir / ".mlci");
    REQUIRE(store);
    record_to_prod(*store, 'a', Outcome::deployed);
    record_to_prod(*store, 'b', Outcome::rolled_back);

    auto policy_for = [&](char c) {
        DeployRequest r;
        r.environment = "prod";
        r.policy.public_key = "/k/release.pub";
        REQUIRE(prepare_rollback(*store, r, digest_of(c)));
        CHECK(r.rollback);
        return r.policy;
    };
    auto ran = policy_for('a');
    CHECK_FALSE(ran.require_validation);
    CHECK_FALSE(ran.public_key);
    // Switched to and rolled back, or never there: checked like any deploy.
    for (char c : {'b', 'c'}) {
        auto checked = policy_for(c);
        CHECK(checked.require_validation);
        CHECK(checked.public_key == std::filesystem::path("/k/release.pub"));
    }
}
