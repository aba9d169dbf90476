// lib/package: packaging runs made through the store API (fixtures.hpp).
#include "../temp_dir.hpp"
#include "fixtures.hpp"
#include "tar_reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/oci/media_types.hpp>
#include <mlci/package/package.hpp>
#include <mlci/store/graph.hpp>

using namespace mlci;
using namespace mlci::package;

namespace {

struct Project {
    testing::TempDir dir;
    store::Store store = *store::Store::init(dir / ".mlci");
    testing::RunFiles files{
        {{"model.pkl", std::string(300000, 'p') + "weights"}, {"out/vocab.txt", "a b c\n"}}};
};

Result<PackageResult> pack(store::Store& s, const store::IndexEntry& e, const Options& o = {}) {
    return package_run(s, e, o, {});
}

Options allowed() {
    Options o;
    o.allow_unvalidated = true;
    return o;
}

// Copies an artifact and everything it names into another store, as a pull would.
void copy_into(const store::Store& from, store::Store& to, const store::Descriptor& root) {
    REQUIRE(store::walk(from, {root}, [&](const store::Edge& e) {
        REQUIRE(to.put_blob(from.read_blob(e.digest).value(), e.media_type));
    }));
}

std::vector<hash::Digest> referrers_of(const store::Store& s, const hash::Digest& subject) {
    std::vector<hash::Digest> out;
    auto entries = s.entries().value();
    for (auto& e : entries)
        if (auto m = s.read_manifest(e.descriptor.digest);
            m && m->subject && m->subject->digest == subject)
            out.push_back(e.descriptor.digest);
    return out;
}

} // namespace

TEST_CASE("package: a run without a passing validation is refused", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto r = pack(p.store, run);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::gate);
    CHECK(r.error().message.find("has no passing validation (run 'mlci validate "
                                 "iris-classifier:v1' or pass --allow-unvalidated)") !=
          std::string::npos);
    auto ok = pack(p.store, run, allowed());
    REQUIRE(ok);
    CHECK(ok->verdict == "none");
    CHECK(ok->reference == "iris-classifier-image:v1");

    testing::validate(p.store, run, 0.99); // accuracy 0.95: fails
    auto failed = pack(p.store, run);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == Exit::gate);
    CHECK(failed.error().message.find("failed") != std::string::npos);

    auto passed = testing::validate(p.store, run, 0.9);
    auto good = pack(p.store, run);
    REQUIRE(good);
    CHECK(good->verdict == "passed");
    CHECK(good->validation == passed.digest);
}

TEST_CASE("package: the validation given as the reference decides", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto failed = testing::validate(p.store, run, 0.99);
    testing::validate(p.store, run, 0.9); // a later one passes
    auto r = pack(p.store, {failed, {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::gate);
    auto failed_run = p.files;
    failed_run.succeeded = false;
    failed_run.name = "broken";
    auto broken = testing::make_run(p.store, failed_run);
    auto b = pack(p.store, broken, allowed());
    REQUIRE_FALSE(b);
    CHECK(b.error().message.find("did not succeed") != std::string::npos);
}

TEST_CASE("package: an image with the model under /model, lineage and provenance", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto validation = testing::validate(p.store, run, 0.9);
    std::filesystem::create_directories(p.dir / "serving/__pycache__");
    std::ofstream(p.dir / "serving/serve.py") << "print('serving')\n";
    std::ofstream(p.dir / "serving/__pycache__/serve.cpython-311.pyc") << "cache";
    Options o;
    o.changes.entrypoint = std::vector<std::string>{"python3", "/app/serving/serve.py"};
    o.changes.ports = {"8080/tcp"};
    o.add = {{p.dir / "serving", ""}};
    o.tag = "iris:1.0";
    auto r = pack(p.store, run, o);
    REQUIRE(r);
    CHECK(r->reference == "iris:1.0");
    REQUIRE(r->layers.size() == 2);
    auto m = p.store.read_manifest(r->manifest.digest).value();
    CHECK(m.artifact_type == store::k_type_package);
    CHECK(m.layers[0].media_type == oci::k_layer_gzip);

    auto model = testing::read_tar(testing::blob(p.store, m.layers[0].digest));
    REQUIRE(model.size() == 4);
    CHECK(model[0].path == "model/");
    CHECK(model[1].path == "model/model.pkl");
    CHECK(model[1].content == p.files.outputs.at("model.pkl"));
    CHECK(model[3].path == "model/out/vocab.txt");
    auto serving = testing::read_tar(testing::blob(p.store, m.layers[1].digest));
    std::vector<std::string> paths;
    paths.reserve(serving.size());
    for (auto& e : serving)
        paths.push_back(e.path);
    CHECK(paths == std::vector<std::string>{"app/", "app/serving/", "app/serving/serve.py"});

    auto config = nlohmann::json::parse(testing::blob(p.store, m.config.digest));
    CHECK(config["config"]["Entrypoint"] == nlohmann::json({"python3", "/app/serving/serve.py"}));
    CHECK(config["config"]["WorkingDir"] == "/app");
    CHECK(config["config"]["Env"] == nlohmann::json({"MLCI_MODEL_DIR=/model"}));
    CHECK(config["config"]["Labels"]["dev.mlci.lineage.run"] == run.descriptor.digest.str());
    CHECK(config["created"] == "2026-01-01T00:00:00Z"); // when the run ended

    auto& a = m.annotations;
    CHECK(a.at("org.opencontainers.image.created") == "2026-01-01T00:00:00Z");
    CHECK(a.at("org.opencontainers.image.revision") == "0123456789abcdef0123456789abcdef01234567");
    CHECK(a.at("org.opencontainers.image.source") == "https://git.example.invalid/team/iris.git");
    CHECK(a.at("org.opencontainers.image.version") == "1.0");
    CHECK(a.at("dev.mlci.run") == "20260101T000000Z-abcdef");
    CHECK(a.at("dev.mlci.lineage.run") == run.descriptor.digest.str());
    CHECK(a.at("dev.mlci.metric.accuracy") == "0.95");
    CHECK(a.at("dev.mlci.verdict") == "passed");
    CHECK(a.at("dev.mlci.validation") == validation.digest.str());

    // The provenance is a referrer of the image, listed in the index.
    auto refs = referrers_of(p.store, r->manifest.digest);
    REQUIRE(refs == std::vector<hash::Digest>{r->provenance.digest});
    auto att = p.store.read_manifest(r->provenance.digest).value();
    CHECK(att.artifact_type == oci::k_in_toto);
    auto st = nlohmann::json::parse(testing::blob(p.store, att.layers[0].digest));
    CHECK(st["subject"][0]["digest"]["sha256"] == std::string(r->manifest.digest.hex()));
    auto deps = st["predicate"]["buildDefinition"]["resolvedDependencies"];
    CHECK(deps[0]["digest"]["sha256"] == std::string(run.descriptor.digest.hex()));
}

TEST_CASE("package: the same run gives the same image, here and in another store", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto validation = testing::validate(p.store, run, 0.9);
    auto one = pack(p.store, run);
    auto two = pack(p.store, run);
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one->manifest.digest == two->manifest.digest);
    CHECK(two->reference == "iris-classifier-image:v1");
    CHECK(two->unchanged);
    CHECK(referrers_of(p.store, one->manifest.digest).size() == 1);

    // Another store that got the run and its validation as a pull would,
    // under other tags, gives the same image.
    testing::TempDir other_dir;
    auto other = *store::Store::init(other_dir / ".mlci");
    copy_into(p.store, other, run.descriptor);
    copy_into(p.store, other, validation);
    REQUIRE(other.add_to_index(run.descriptor, {"pulled:v7"}));
    REQUIRE(other.add_to_index(validation, {}));
    auto there = pack(other, {run.descriptor, "pulled:v7"});
    REQUIRE(there);
    CHECK(there->manifest.digest == one->manifest.digest);
    CHECK(there->reference == "iris-classifier-image:v1"); // named by the run record, not its tag
}

TEST_CASE("package: the same model files give the same model layer in any store", "[package]") {
    Project a, b;
    b.files.name = "retrained";
    b.files.id = "20260202T000000Z-123456";
    b.files.ended = "2026-02-02T00:00:00Z";
    b.files.accuracy = 0.96;
    auto ra = pack(a.store, testing::make_run(a.store, a.files), allowed());
    auto rb = pack(b.store, testing::make_run(b.store, b.files), allowed());
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(ra->layers[0].blob.digest == rb->layers[0].blob.digest);
    CHECK(ra->manifest.digest != rb->manifest.digest); // other run, other lineage
}

TEST_CASE("package: SOURCE_DATE_EPOCH sets every time", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto o = allowed();
    o.source_date_epoch = 1700000000;
    auto r = pack(p.store, run, o);
    REQUIRE(r);
    CHECK(r->created == "2023-11-14T22:13:20Z");
    auto m = p.store.read_manifest(r->manifest.digest).value();
    for (auto& e : testing::read_tar(testing::blob(p.store, m.layers[0].digest)))
        CHECK(e.mtime == 1700000000);
    auto config = nlohmann::json::parse(testing::blob(p.store, m.config.digest));
    CHECK(config["created"] == "2023-11-14T22:13:20Z");
    CHECK(config["history"][0]["created"] == "2023-11-14T22:13:20Z");
}

TEST_CASE("package: a ModelPack artifact of the run", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto o = allowed();
    o.format = Format::modelpack;
    o.compression = oci::Compression::none;
    auto r = pack(p.store, run, o);
    REQUIRE(r);
    CHECK(r->reference == "iris-classifier-modelpack:v1");
    auto m = p.store.read_manifest(r->manifest.digest).value();
    CHECK(m.artifact_type == oci::k_model_manifest);
    CHECK(m.config.media_type == oci::k_model_config);
    REQUIRE(m.layers.size() == 2);
    CHECK(m.layers[0].media_type == oci::k_model_weight);
    CHECK(m.layers[0].annotations.at(oci::k_ann_model_filepath) == "model.pkl");
    CHECK(m.layers[1].media_type == oci::k_model_weight_config);
    CHECK(m.annotations.at("dev.mlci.lineage.run") == run.descriptor.digest.str());
    auto config = nlohmann::json::parse(testing::blob(p.store, m.config.digest));
    CHECK(config["config"]["format"] == "pickle");
    CHECK(config["descriptor"]["revision"] == "0123456789abcdef0123456789abcdef01234567");

    o.changes.entrypoint = std::vector<std::string>{"x"};
    CHECK(pack(p.store, run, o).error().code == Exit::usage);
}

TEST_CASE("package: bad bases and missing outputs are usage errors", "[package]") {
    Project p;
    auto run = testing::make_run(p.store, p.files);
    auto o = allowed();
    o.base = "no-such-image:1";
    CHECK(pack(p.store, run, o).error().code == Exit::usage);
    o.base = "registry.example.com/python:3.11";
    auto remote = pack(p.store, run, o);
    CHECK(remote.error().code == Exit::usage);
    CHECK(remote.error().message.find("mlci pull") != std::string::npos);
    o.base = "scratch";
    o.model_dir = "model";
    CHECK(pack(p.store, run, o).error().code == Exit::usage);
    std::filesystem::remove(p.store.blob_path(hash::sha256_of(p.files.outputs.at("model.pkl"))));
    auto missing = pack(p.store, run, allowed());
    CHECK(missing.error().code == Exit::usage);
    CHECK(missing.error().message.find("model.pkl") != std::string::npos);
    CHECK(default_package_name("My Model!", Format::image) == "my-model--image");
}
