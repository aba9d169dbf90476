#include <catch2/catch.hpp>
#include <mlci/deploy/settings.hpp>

using namespace mlci;
using namespace mlci::deploy;

namespace {

// mlci.yaml's environments from YAML text, as if in /p/mlci.yaml.
std::vector<config::EnvironmentConfig> environments_yaml(const std::string& yaml) {
    auto envs = config::parse_environments(YAML::Load(yaml), "/p/mlci.yaml");
    REQUIRE(envs);
    return *envs;
}

const char* const k_prod_yaml = R"(
environments:
  prod:
    target: dir:releases
    health_check: http://127.0.0.1:8080/healthz
    health_timeout: 5s
    health_retries: 3
    health_interval: 0
    pre_start: ./migrate.sh
    keep: 2
    public_key: keys/release.pub
    require_validation: false
    image: registry.example.com/iris
    values_key: image
    branch: deploy
)";

} // namespace

TEST_CASE("deploy settings: a flag beats mlci.yaml, which beats the default", "[deploy]") {
    EnvironmentFlags f;
    f.env = "prod";
    auto yaml = resolve(f, environments_yaml(k_prod_yaml), "/p/mlci.yaml");
    REQUIRE(yaml);
    CHECK(yaml->environment == "prod");
    CHECK(yaml->target.spec == "dir:/p/releases");
    CHECK(yaml->target.pre_start == "./migrate.sh");
    CHECK(yaml->target.keep == 2);
    CHECK(yaml->target.image == "registry.example.com/iris");
    CHECK(yaml->target.values_key == "image");
    CHECK(yaml->target.branch == "deploy");
    CHECK(yaml->health.check == "http://127.0.0.1:8080/healthz");
    CHECK(yaml->health.timeout == std::chrono::seconds(5));
    CHECK(yaml->health.attempts == 3);
    CHECK(yaml->health.interval == std::chrono::milliseconds(0));
    CHECK(yaml->policy.public_key == std::filesystem::path("/p/keys/release.pub"));
    CHECK_FALSE(yaml->policy.require_validation);
    CHECK_FALSE(yaml->force);
    CHECK(yaml->wait == std::chrono::milliseconds(0));

    f.target = "exec:./ship.sh";
    f.health_check = "true";
    f.health_timeout = std::chrono::seconds(9);
    f.health_retries = 7;
    f.health_interval = std::chrono::seconds(2);
    f.pre_start = "./other.sh";
    f.keep = 9;
    f.public_key = "/k/other.pub";
    f.image = "registry.example.com/other";
    f.values_key = "model.image";
    f.branch = "main";
    f.wait = std::chrono::seconds(60);
    f.force = true;
    auto flags = resolve(f, environments_yaml(k_prod_yaml), "/p/mlci.yaml");
    REQUIRE(flags);
    CHECK(flags->target.spec == "exec:./ship.sh");
    CHECK(flags->target.pre_start == "./other.sh");
    CHECK(flags->target.keep == 9);
    CHECK(flags->target.image == "registry.example.com/other");
    CHECK(flags->target.values_key == "model.image");
    CHECK(flags->target.branch == "main");
    CHECK(flags->health.check == "true");
    CHECK(flags->health.timeout == std::chrono::seconds(9));
    CHECK(flags->health.attempts == 7);
    CHECK(flags->health.interval == std::chrono::seconds(2));
    CHECK(flags->policy.public_key == std::filesystem::path("/k/other.pub"));
    CHECK(flags->force);
    CHECK(flags->wait == std::chrono::seconds(60));

    // An environment mlci.yaml does not declare: the flags and the defaults.
    EnvironmentFlags bare;
    bare.env = "staging";
    bare.target = "dir:/srv/x";
    auto defaults = resolve(bare, environments_yaml(k_prod_yaml), "/p/mlci.yaml");
    REQUIRE(defaults);
    CHECK(defaults->target.keep == k_default_keep);
    CHECK(defaults->health.check.empty());
    CHECK(defaults->health.timeout == k_default_health_timeout);
    CHECK(defaults->health.attempts == k_default_health_attempts);
    CHECK(defaults->health.interval == k_default_health_interval);
    CHECK_FALSE(defaults->policy.public_key);
    CHECK(defaults->policy.require_validation);
    CHECK(defaults->target.store == nullptr); // deploy_package() gives its own
}

TEST_CASE("deploy settings: a flag equal to the default still beats mlci.yaml", "[deploy]") {
    EnvironmentFlags f;
    f.env = "prod";
    f.keep = k_default_keep;
    f.health_retries = k_default_health_attempts;
    f.health_timeout = k_default_health_timeout;
    f.health_interval = k_default_health_interval;
    f.health_check = "";
    f.pre_start = "";
    f.public_key = "";
    f.image = "";
    auto r = resolve(f, environments_yaml(k_prod_yaml), "/p/mlci.yaml");
    REQUIRE(r);
    CHECK(r->target.keep == 5);
    CHECK(r->health.attempts == 10);
    CHECK(r->health.timeout == std::chrono::seconds(30));
    CHECK(r->health.interval == std::chrono::seconds(1));
    CHECK(r->health.check.empty());
    CHECK(r->target.pre_start.empty());
    CHECK(r->target.image.empty());
    CHECK_FALSE(r->policy.public_key);
    CHECK(r->target.spec == "dir:/p/releases"); // not given: mlci.yaml's
}

TEST_CASE("deploy settings: --no-require-validation beats mlci.yaml", "[deploy]") {
    auto envs = environments_yaml("environments:\n  prod:\n    target: dir:/srv\n"
                                  "    require_validation: true\n");
    EnvironmentFlags f;
    f.env = "prod";
    auto required = resolve(f, envs, "/p/mlci.yaml");
    REQUIRE(required);
    CHECK(required->policy.require_validation);
    f.no_require_validation = true;
    auto waived = resolve(f, envs, "/p/mlci.yaml");
    REQUIRE(waived);
    CHECK_FALSE(waived->policy.require_validation);
}

TEST_CASE("deploy settings: an environment without a target is a usage error", "[deploy]") {
    auto envs = environments_yaml("environments:\n  prod:\n    keep: 3\n");
    EnvironmentFlags f;
    f.env = "prod";
    auto declared = resolve(f, envs, "/p/mlci.yaml");
    REQUIRE_FALSE(declared);
    CHECK(declared.error().code == Exit::usage);
    CHECK(declared.error().message == "environment 'prod' in /p/mlci.yaml has no target: set "
                                      "environments.prod.target or pass --target");
    f.env = "qa";
    auto undeclared = resolve(f, envs, "/p/mlci.yaml");
    REQUIRE_FALSE(undeclared);
    CHECK(undeclared.error().message == "environment 'qa' is not in mlci.yaml: declare it under "
                                        "environments, or pass --target");
    f.target = ""; // given, but empty: still no target
    CHECK_FALSE(resolve(f, envs, "/p/mlci.yaml"));

    f.env = "Prod!";
    f.target = "dir:/srv";
    auto bad = resolve(f, envs, "/p/mlci.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
}
