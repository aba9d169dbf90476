#include <catch2/catch.hpp>
#include <mlci/deploy/podman_spec.hpp>
#include <mlci/deploy/settings.hpp>

using namespace mlci;
using namespace mlci::deploy;

TEST_CASE("podman target spec: a name, then the published port", "[deploy][podman]") {
    auto bare = parse_podman_spec("iris");
    REQUIRE(bare);
    CHECK(bare->name == "iris");
    CHECK_FALSE(bare->publish);

    auto host = parse_podman_spec("iris:8080");
    REQUIRE(host);
    REQUIRE(host->publish);
    CHECK(host->publish->address.empty());
    CHECK(host->publish->host_port == 8080);
    CHECK(host->publish->container_port == 0);

    auto both = parse_podman_spec("iris-prod:80:8080");
    REQUIRE(both);
    CHECK(both->name == "iris-prod");
    CHECK(both->publish->address.empty());
    CHECK(both->publish->host_port == 80);
    CHECK(both->publish->container_port == 8080);

    // Two parts are IP:HOST_PORT when the first is no number.
    auto ip = parse_podman_spec("iris:127.0.0.1:8080");
    REQUIRE(ip);
    CHECK(ip->publish->address == "127.0.0.1");
    CHECK(ip->publish->host_port == 8080);
    CHECK(ip->publish->container_port == 0);

    auto all = parse_podman_spec("iris:10.0.0.5:80:8080");
    REQUIRE(all);
    CHECK(all->publish->address == "10.0.0.5");
    CHECK(all->publish->host_port == 80);
    CHECK(all->publish->container_port == 8080);

    auto v6 = parse_podman_spec("iris:[::1]:8080:8000");
    REQUIRE(v6);
    CHECK(v6->publish->address == "[::1]");
    CHECK(v6->publish->host_port == 8080);
    CHECK(v6->publish->container_port == 8000);
}

TEST_CASE("podman target spec: bad names and ports are usage errors", "[deploy][podman]") {
    for (auto bad : {"", "-iris", ".iris", "ir is", "iris/x", "iris:", "iris:0", "iris:65536",
                     "iris:http", "iris:8080:", "iris:8080:x", "iris:1.2.3.4:80:80:80",
                     "iris:127.0.0.1:", "iris:8080:-1"}) {
        INFO(bad);
        auto s = parse_podman_spec(bad);
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK(s.error().message.find("podman:") != std::string::npos);
    }
}

TEST_CASE("podman target: the containers it keeps", "[deploy][podman]") {
    auto names = podman_names("iris");
    CHECK(names.serving == "iris");
    CHECK(names.next == "iris-next");
    CHECK(names.previous == "iris-previous");
}

TEST_CASE("podman target: the container port from the spec or the image", "[deploy][podman]") {
    PodmanPublish p;
    p.host_port = 9000;
    auto one = nlohmann::json::parse(R"({"config": {"ExposedPorts": {"8080/tcp": {}}}})");
    auto port = container_port(p, one);
    REQUIRE(port);
    CHECK(*port == 8080);
    CHECK(publish_arg(p, *port) == "9000:8080");
    CHECK(published_url(p) == "http://127.0.0.1:9000");

    p.address = "10.0.0.5";
    CHECK(publish_arg(p, 8080) == "10.0.0.5:9000:8080");
    CHECK(published_url(p) == "http://10.0.0.5:9000");

    // UDP ports are not published; a port without a protocol is TCP.
    auto mixed = nlohmann::json::parse(R"({"config": {"ExposedPorts": {"53/udp": {}, "81": {}}}})");
    REQUIRE(container_port(p, mixed) == 81u);

    auto none = nlohmann::json::parse(R"({"config": {}})");
    auto two =
        nlohmann::json::parse(R"({"config": {"ExposedPorts": {"80/tcp": {}, "81/tcp": {}}}})");
    for (auto& config : {none, two, nlohmann::json()}) {
        auto r = container_port(p, config);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        CHECK(r.error().message.find("HOST_PORT:CONTAINER_PORT") != std::string::npos);
    }
    // The spec's port wins over what the image exposes.
    p.container_port = 7000;
    CHECK(container_port(p, two) == 7000u);
}

TEST_CASE("podman target: a health check URL aimed at the side port", "[deploy][podman]") {
    CHECK(with_authority("http://127.0.0.1:8080/healthz", "127.0.0.1:41234") ==
          "http://127.0.0.1:41234/healthz");
    CHECK(with_authority("https://model.example.com/v1/health?deep=1", "127.0.0.1:5") ==
          "https://127.0.0.1:5/v1/health?deep=1");
    CHECK(with_authority("http://localhost:8080", "127.0.0.1:5") == "http://127.0.0.1:5");
    CHECK(with_authority("not a url", "127.0.0.1:5") == "not a url");
}

TEST_CASE("podman target: the host port in podman port's output", "[deploy][podman]") {
    CHECK(parse_podman_port("127.0.0.1:41234\n") == 41234u);
    CHECK(parse_podman_port("0.0.0.0:8080\n[::]:8080\n") == 8080u);
    CHECK(parse_podman_port("") == 0u);
    CHECK(parse_podman_port("Error: no such container\n") == 0u);
}

TEST_CASE("deploy settings: the podman runtime from mlci.yaml or --runtime", "[deploy][podman]") {
    auto envs = config::parse_environments(YAML::Load(R"(
environments:
  prod:
    target: podman:iris:8080
    runtime: runc
)"),
                                           "/p/mlci.yaml");
    REQUIRE(envs);
    EnvironmentFlags f;
    f.env = "prod";
    auto yaml = resolve(f, *envs, "/p/mlci.yaml");
    REQUIRE(yaml);
    CHECK(yaml->target.spec == "podman:iris:8080");
    CHECK(yaml->target.runtime == "runc");
    f.runtime = "crun";
    auto flag = resolve(f, *envs, "/p/mlci.yaml");
    REQUIRE(flag);
    CHECK(flag->target.runtime == "crun");

    auto wrong = config::parse_environments(YAML::Load(R"(
environments:
  prod:
    target: podman:iris
    runtime: [runc]
)"),
                                            "/p/mlci.yaml");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().message.find("environments.prod.runtime") != std::string::npos);
}
