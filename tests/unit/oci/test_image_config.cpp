#include <catch2/catch.hpp>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/image_config.hpp>

using namespace mlci;
using namespace mlci::oci;

TEST_CASE("oci config: changes apply over the base as a Dockerfile would", "[oci]") {
    auto base = scratch_config();
    base["config"] = {{"Entrypoint", {"/bin/sh"}},
                      {"Cmd", {"-c", "echo"}},
                      {"Env", {"PATH=/usr/bin", "LANG=C"}},
                      {"StopSignal", "SIGINT"},
                      {"Labels", {{"a", "1"}}}};
    base["container_config"] = {{"Cmd", {"RUN x"}}};

    ConfigChanges c;
    c.entrypoint = std::vector<std::string>{"python3", "serve.py"};
    c.env = {"LANG=C.UTF-8", "MODEL=/model"};
    c.ports = {"8080/tcp"};
    c.labels = {{"b", "2"}};
    c.workdir = "/app";
    auto out = apply_changes(base, c);
    auto& cfg = out["config"];
    CHECK(cfg["Entrypoint"] == nlohmann::json({"python3", "serve.py"}));
    CHECK_FALSE(cfg.contains("Cmd")); // a new entrypoint clears the base's cmd
    CHECK(cfg["Env"] == nlohmann::json({"PATH=/usr/bin", "LANG=C.UTF-8", "MODEL=/model"}));
    CHECK(cfg["ExposedPorts"] == nlohmann::json({{"8080/tcp", nlohmann::json::object()}}));
    CHECK(cfg["Labels"] == nlohmann::json({{"a", "1"}, {"b", "2"}}));
    CHECK(cfg["WorkingDir"] == "/app");
    CHECK(cfg["StopSignal"] == "SIGINT"); // fields mlci does not know survive
    CHECK_FALSE(out.contains("container_config"));

    ConfigChanges both;
    both.entrypoint = std::vector<std::string>{"x"};
    both.cmd = std::vector<std::string>{"y"};
    CHECK(apply_changes(base, both)["config"]["Cmd"] == nlohmann::json({"y"}));
    CHECK(apply_changes(base, {})["config"]["Cmd"] == nlohmann::json({"-c", "echo"}));
}

TEST_CASE("oci config: layers and history are appended", "[oci]") {
    auto cfg = scratch_config();
    auto d = hash::Digest::parse("sha256:" + std::string(64, 'a')).value();
    add_layer(cfg, d, "1980-01-01T00:00:00Z", "mlci package", "model");
    set_created(cfg, "1980-01-01T00:00:00Z");
    CHECK(diff_ids(cfg, "x").value() == std::vector<hash::Digest>{d});
    CHECK(cfg["history"][0]["created_by"] == "mlci package");
    CHECK(cfg["created"] == "1980-01-01T00:00:00Z");
    CHECK(cfg["architecture"] == "amd64");
    CHECK(cfg["os"] == "linux");
    CHECK(diff_ids(nlohmann::json::object(), "x").error().code == Exit::usage);
}

TEST_CASE("oci config: ports and environment are checked", "[oci]") {
    CHECK(normalise_port("8080").value() == "8080/tcp");
    CHECK(normalise_port("53/udp").value() == "53/udp");
    for (auto bad : {"0", "65536", "http", "80/xyz", "", "8080/"})
        CHECK(normalise_port(bad).error().code == Exit::usage);
    CHECK(validate_env("A=1"));
    CHECK(validate_env("A="));
    CHECK_FALSE(validate_env("=1"));
    CHECK_FALSE(validate_env("A"));
}

TEST_CASE("oci compression: names and media types", "[oci]") {
    CHECK(parse_compression("zstd").value() == Compression::zstd);
    CHECK(parse_compression("xz").error().code == Exit::usage);
    CHECK(layer_media_type(Compression::gzip) == "application/vnd.oci.image.layer.v1.tar+gzip");
    CHECK(layer_compression("application/vnd.docker.image.rootfs.diff.tar.gzip") ==
          Compression::gzip);
    CHECK(layer_compression("application/vnd.cncf.model.weight.v1.tar") == Compression::none);
    CHECK(layer_compression("application/vnd.oci.image.layer.v1.tar+zstd") == Compression::zstd);
    CHECK_FALSE(layer_compression("application/json"));
    CHECK(with_compression_suffix("application/vnd.cncf.model.doc.v1.tar", Compression::zstd) ==
          "application/vnd.cncf.model.doc.v1.tar+zstd");
}
