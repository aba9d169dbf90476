#include <catch2/catch.hpp>
#include <mlci/config/environment_config.hpp>
#include <mlci/deploy/deploy.hpp>
#include <mlci/deploy/unpack.hpp>

using namespace mlci;
using namespace mlci::deploy;

TEST_CASE("deploy: tar entry paths that leave the release are unsafe", "[deploy]") {
    CHECK(safe_entry_path("model/model.pkl"));
    CHECK(safe_entry_path("a/b..c"));
    CHECK_FALSE(safe_entry_path(""));
    CHECK_FALSE(safe_entry_path("/etc/passwd"));
    CHECK_FALSE(safe_entry_path("../x"));
    CHECK_FALSE(safe_entry_path("a/../../x"));
    CHECK_FALSE(safe_entry_path("a/.."));
}

TEST_CASE("deploy: symlink targets are resolved from the link's folder", "[deploy]") {
    CHECK(safe_link_target("a/b/link", "../c"));
    CHECK(safe_link_target("a/link", "./b/c"));
    CHECK(safe_link_target("link", "model/model.pkl"));
    CHECK_FALSE(safe_link_target("link", "../x"));
    CHECK_FALSE(safe_link_target("a/link", "../../x"));
    CHECK_FALSE(safe_link_target("a/link", "/etc"));
    // Leaving and coming back still escapes: the folder outside may be a link.
    CHECK_FALSE(safe_link_target("a/link", "../../release/a"));
}

TEST_CASE("deploy: environment names are tag-safe", "[deploy]") {
    CHECK(validate_environment_name("prod"));
    CHECK(validate_environment_name("eu-west.1_b"));
    CHECK_FALSE(validate_environment_name(""));
    CHECK_FALSE(validate_environment_name("Prod"));
    CHECK_FALSE(validate_environment_name("a b"));
    CHECK_FALSE(validate_environment_name("-x"));
    CHECK_FALSE(validate_environment_name("a:b"));
    CHECK(history_name("prod") == "deploy-prod");
}

TEST_CASE("deploy: a deployment record survives JSON", "[deploy]") {
    Deployment d;
    d.environment = "prod";
    d.target = "dir:/srv/x";
    d.package = *hash::Digest::parse("sha256:" + std::string(64, 'a'));
    d.previous = *hash::Digest::parse("sha256:" + std::string(64, 'b'));
    d.outcome = Outcome::rolled_back;
    d.forced = true;
    d.policy = {{"validation", false, "failed"}};
    d.detail = "health check failed";
    auto back = Deployment::from_json(d.to_json());
    REQUIRE(back);
    CHECK(back->package == d.package);
    CHECK(back->previous == d.previous);
    CHECK(back->outcome == Outcome::rolled_back);
    CHECK(back->forced);
    REQUIRE(back->policy.size() == 1);
    CHECK(back->policy[0].detail == "failed");
    auto bad = d.to_json();
    bad["outcome"] = "exploded";
    CHECK_FALSE(Deployment::from_json(bad));
}

TEST_CASE("deploy: environments in mlci.yaml, with errors at file:line", "[deploy][config]") {
    auto root = YAML::Load(R"(
environments:
  prod:
    target: dir:releases
    health_check: http://127.0.0.1:8080/healthz
    health_retries: 3
    public_key: keys/release.pub
    require_validation: false
)");
    auto envs = config::parse_environments(root, "/p/mlci.yaml");
    REQUIRE(envs);
    REQUIRE(envs->size() == 1);
    auto& e = envs->front();
    CHECK(e.name == "prod");
    CHECK(*e.target == "dir:/p/releases");
    CHECK(*e.public_key == "/p/keys/release.pub");
    CHECK(*e.health_retries == 3);
    CHECK(*e.require_validation == false);

    auto typo = config::parse_environments(YAML::Load("environments:\n  prod:\n    targt: x\n"),
                                           "/p/mlci.yaml");
    REQUIRE_FALSE(typo);
    CHECK(typo.error().code == Exit::usage);
    CHECK_THAT(typo.error().message, Catch::Contains("/p/mlci.yaml:3"));
    CHECK_THAT(typo.error().message, Catch::Contains("targt"));
    auto negative = config::parse_environments(YAML::Load("environments:\n  prod:\n    keep: -1\n"),
                                               "/p/mlci.yaml");
    REQUIRE_FALSE(negative);
    CHECK_THAT(negative.error().message, Catch::Contains("keep"));

    auto durations = config::parse_environments(
        YAML::Load("environments:\n  prod:\n    health_timeout: 2m\n    health_interval: 0\n"),
        "/p/mlci.yaml");
    REQUIRE(durations);
    CHECK(*durations->front().health_timeout == std::chrono::minutes(2));
    CHECK(*durations->front().health_interval == std::chrono::milliseconds(0));
    // Each of these overflowed a cast or made a health check time out at once.
    for (std::string bad : {"health_timeout: 1e30", "health_timeout: .nan", "health_timeout: 0",
                            "health_interval: -1", "keep: 1e30", "keep: 1.5", "health_retries: 0",
                            "health_retries: .inf"}) {
        auto r = config::parse_environments(YAML::Load("environments:\n  prod:\n    " + bad),
                                            "/p/mlci.yaml");
        INFO(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        CHECK_THAT(r.error().message, Catch::Contains("/p/mlci.yaml:3"));
        CHECK_THAT(r.error().message, Catch::Contains(bad.substr(0, bad.find(':'))));
    }
}
