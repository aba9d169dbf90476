// mlci.yaml's package: section and how flags apply over it.
#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/config/package_config.hpp>
#include <mlci/package/options.hpp>
#include <utility>

using namespace mlci;
using namespace mlci::package;

namespace {

config::PackageConfig parse(const std::string& yaml) {
    auto c = config::parse_package_config(YAML::Load(yaml), "mlci.yaml");
    REQUIRE(c);
    REQUIRE(*c);
    return **c;
}

} // namespace

TEST_CASE("package config: the package section of mlci.yaml", "[package]") {
    auto c = parse(R"(
package:
  base: oci:layouts/python:3.11
  entrypoint: [python3, /app/serve.py]
  cmd: --verbose
  env: {MODEL: /model/model.pkl}
  port: 8080
  add: [serve.py, "conf:/etc/serve"]
  labels: {team: ml}
  tag: iris
  compression: zstd
  format: image
  model_dir: /models/iris
)");
    CHECK(c.base == "oci:layouts/python:3.11");
    CHECK(c.entrypoint == std::vector<std::string>{"python3", "/app/serve.py"});
    CHECK(c.cmd == std::vector<std::string>{"--verbose"});
    CHECK(c.env == std::vector<std::string>{"MODEL=/model/model.pkl"});
    CHECK(c.ports == std::vector<std::string>{"8080"});
    CHECK(c.add == std::vector<std::string>{"serve.py", "conf:/etc/serve"});
    CHECK(c.labels.at("team") == "ml");
    CHECK(c.compression == "zstd");
    CHECK(c.model_dir == "/models/iris");
    CHECK_FALSE(config::parse_package_config(YAML::Load("train: {}"), "mlci.yaml").value());

    auto bad = config::parse_package_config(YAML::Load("package:\n  bse: x\n"), "mlci.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("mlci.yaml:2") != std::string::npos);
    CHECK(bad.error().message.find("package.bse") != std::string::npos);
    CHECK_FALSE(config::parse_package_config(YAML::Load("package:\n  env: [NOEQUALS]\n"), "f"));
}

TEST_CASE("package options: flags win over mlci.yaml, key by key", "[package]") {
    auto c = parse(R"(
package:
  base: scratch
  entrypoint: [python3, serve.py]
  env: [A=1, B=2]
  labels: {team: ml}
  ports: [8080]
  add: [serve.py]
  output: oci-archive:out.tar
)");
    Flags f;
    f.env = {"B=3"};
    f.labels = {"team=data"};
    f.cmd = std::vector<std::string>{"--fast"};
    f.compression = "zstd";
    auto o = make_options(f, c, "/work/sub", "/work", std::nullopt);
    REQUIRE(o);
    CHECK(o->changes.entrypoint == std::vector<std::string>{"python3", "serve.py"});
    CHECK(o->changes.cmd == std::vector<std::string>{"--fast"});
    CHECK(o->changes.env == std::vector<std::string>{"A=1", "B=2", "B=3"});
    CHECK(o->changes.labels.at("team") == "data");
    CHECK(o->changes.ports == std::vector<std::string>{"8080/tcp"});
    REQUIRE(o->add.size() == 1);
    CHECK(o->add[0].source == "/work/serve.py"); // the file's paths are the project's
    CHECK(o->output->file == "/work/out.tar");
    CHECK(o->compression == oci::Compression::zstd);

    f.add = std::vector<std::string>{"app.py:/srv/app.py"};
    f.output = "docker-archive:img.tar";
    o = make_options(f, c, "/work/sub", "/work", 1700000000);
    REQUIRE(o);
    CHECK(o->add[0].source == "/work/sub/app.py"); // the flags' are the working directory's
    CHECK(o->add[0].dest == "/srv/app.py");
    CHECK(o->output->kind == oci::ArchiveKind::docker);
    CHECK(o->source_date_epoch == 1700000000);

    Flags modelpack;
    modelpack.format = "modelpack";
    auto mp = make_options(modelpack, std::nullopt, "/w", "/w", std::nullopt);
    REQUIRE(mp);
    CHECK(mp->compression == oci::Compression::none);
    modelpack.output = "docker-archive:x.tar";
    CHECK(make_options(modelpack, std::nullopt, "/w", "/w", std::nullopt).error().code ==
          Exit::usage);

    auto refused = [](auto set) {
        Flags bad;
        set(bad);
        return make_options(bad, std::nullopt, "/w", "/w", std::nullopt).error().code ==
               Exit::usage;
    };
    CHECK(refused([](Flags& f) { f.workdir = "app"; }));
    CHECK(refused([](Flags& f) { f.compression = "xz"; }));
    CHECK(refused([](Flags& f) { f.format = "zip"; }));
    CHECK(refused([](Flags& f) { f.output = "x.tar"; }));
    Flags port;
    port.ports = std::vector<std::string>{"99999"};
    CHECK_FALSE(make_options(port, std::nullopt, "/w", "/w", std::nullopt));
    Flags env;
    env.env = {"=x"};
    CHECK_FALSE(make_options(env, std::nullopt, "/w", "/w", std::nullopt));
}

TEST_CASE("package options: a base layout in mlci.yaml is the project's", "[package]") {
    auto base = [](const std::string& configured, std::optional<std::string> flag = {}) {
        config::PackageConfig c;
        c.base = configured;
        Flags f;
        f.base = std::move(flag);
        auto o = make_options(f, c, "/work/src", "/work", std::nullopt);
        REQUIRE(o);
        return o->base;
    };
    // Found from the project's root wherever mlci package runs, as added files are.
    CHECK(base("oci:layouts/python:3.11") == "oci:/work/layouts/python:3.11");
    CHECK(base("oci:layouts/python") == "oci:/work/layouts/python");
    CHECK(base("oci-archive:python.tar:3.11") == "oci-archive:/work/python.tar:3.11");
    // Absolute paths, registries, store images and scratch stay as written.
    CHECK(base("oci:/srv/layouts/python:3.11") == "oci:/srv/layouts/python:3.11");
    CHECK(base("registry.example.com/python:3.11") == "registry.example.com/python:3.11");
    CHECK(base("python-slim:latest") == "python-slim:latest");
    CHECK(base("scratch") == "scratch");
    // A flag's path is the working directory's: left to the process to resolve.
    CHECK(base("oci:layouts/python", "oci:other:1") == "oci:other:1");
}

TEST_CASE("package options: a modelcar is the model under /models on a base with a shell",
          "[package]") {
    auto options = [](const Flags& f, const std::string& yaml = "") {
        std::optional<config::PackageConfig> c;
        if (!yaml.empty())
            c = parse(yaml);
        return make_options(f, c, "/w", "/w", std::nullopt);
    };
    Flags f;
    f.layout = "modelcar";
    f.base = "busybox:latest";
    auto o = options(f);
    REQUIRE(o);
    CHECK(o->layout == Layout::modelcar);
    CHECK(o->model_dir == "/models");
    CHECK(o->format == Format::image);
    // From mlci.yaml too; the flag wins.
    auto from_file = options(Flags{}, "package:\n  layout: modelcar\n  base: busybox\n");
    REQUIRE(from_file);
    CHECK(from_file->layout == Layout::modelcar);
    Flags standard;
    standard.layout = "standard";
    auto flag_wins = options(standard, "package:\n  layout: modelcar\n");
    REQUIRE(flag_wins);
    CHECK(flag_wins->layout == Layout::standard);
    CHECK(flag_wins->model_dir == "/model");

    // scratch has no shell for KServe's modelcar container to run.
    Flags scratch;
    scratch.layout = "modelcar";
    auto refused = options(scratch);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Exit::usage);
    CHECK(refused.error().message.find("shell") != std::string::npos);
    scratch.base = "scratch";
    CHECK_FALSE(options(scratch));
    auto with = [&](auto set) {
        Flags bad = f;
        set(bad);
        auto r = options(bad);
        return !r && r.error().code == Exit::usage;
    };
    CHECK(with([](Flags& b) { b.format = "modelpack"; }));
    CHECK(with([](Flags& b) { b.model_dir = "/model"; }));
    CHECK_FALSE(with([](Flags& b) { b.model_dir = "/models"; }));
    CHECK(with([](Flags& b) { b.add = std::vector<std::string>{"serve.py"}; }));
    CHECK(with([](Flags& b) { b.entrypoint = std::vector<std::string>{"python3"}; }));
    CHECK(with([](Flags& b) { b.ports = std::vector<std::string>{"8080"}; }));
    CHECK(with([](Flags& b) { b.layout = "sidecar"; }));
}
