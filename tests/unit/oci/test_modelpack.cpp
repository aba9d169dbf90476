#include "../temp_dir.hpp"
#include "tar_reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/media_types.hpp>
#include <mlci/oci/modelpack.hpp>
#include <mlci/oci/provenance.hpp>
#include <mlci/store/media_types.hpp>

using namespace mlci;
using namespace mlci::oci;

TEST_CASE("oci modelpack: files are classified by name", "[oci]") {
    CHECK(classify_model_file("model.safetensors") == ModelFileKind::weight);
    CHECK(classify_model_file("out/model.pkl") == ModelFileKind::weight);
    CHECK(classify_model_file("config.json") == ModelFileKind::weight_config);
    CHECK(classify_model_file("tokenizer_config.json") == ModelFileKind::weight_config);
    CHECK(classify_model_file("tokenizer.model") == ModelFileKind::weight_config);
    CHECK(classify_model_file("README.md") == ModelFileKind::doc);
    CHECK(classify_model_file("LICENSE") == ModelFileKind::doc);
    CHECK(classify_model_file("app/serve.py") == ModelFileKind::code);
    CHECK(classify_model_file("requirements.txt") == ModelFileKind::code);
    CHECK(classify_model_file("data/eval.csv") == ModelFileKind::dataset);
    CHECK(guess_model_format({"a/model.onnx"}) == "onnx");
    CHECK(guess_model_format({"x.bin", "model.pkl"}) == "pickle");
    CHECK(guess_model_format({"x.bin"}).empty());
    CHECK(std::string(model_media_type(ModelFileKind::weight_config)) ==
          "application/vnd.cncf.model.weight.config.v1.tar");
}

TEST_CASE("oci modelpack: one uncompressed layer per file, with the model config", "[oci]") {
    testing::TempDir dir;
    auto s = *store::Store::init(dir / "store");
    auto write = [&](const std::string& name, const std::string& content) {
        auto p = dir / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    };
    ModelPackSpec spec;
    spec.files = {
        {"serve.py", write("serve.py", "print(1)\n"), 9, true, ModelFileKind::code},
        {"model.pkl", write("model.pkl", std::string(5000, 'w')), 5000, false,
         ModelFileKind::weight},
        {"README.md", write("README.md", "# iris\n"), 7, false, ModelFileKind::doc},
    };
    spec.descriptor = {{"name", "iris"}, {"createdAt", "2026-01-01T00:00:00Z"}};
    spec.config = {{"format", "pickle"}};
    spec.annotations = {{"dev.mlci.kind", "package"}};
    spec.mtime = 315532800;
    auto pack = put_modelpack(s, spec, {});
    REQUIRE(pack);
    auto& m = pack->doc;
    CHECK(m.artifact_type == k_model_manifest);
    CHECK(m.config.media_type == k_model_config);
    REQUIRE(m.layers.size() == 3);
    // Kind order (weight, weight.config, code, doc, dataset), then path.
    CHECK(m.layers[0].media_type == k_model_weight);
    CHECK(m.layers[1].media_type == k_model_code);
    CHECK(m.layers[2].media_type == k_model_doc);
    CHECK(m.layers[0].annotations.at(k_ann_model_filepath) == "model.pkl");
    auto meta = nlohmann::json::parse(m.layers[1].annotations.at(k_ann_model_file_metadata));
    CHECK(meta["mode"] == 0755);
    CHECK(meta["mtime"] == "1980-01-01T00:00:00Z");
    auto config = nlohmann::json::parse(s.read_blob(m.config.digest).value());
    CHECK(config["descriptor"]["name"] == "iris");
    CHECK(config["config"]["format"] == "pickle");
    CHECK(config["modelfs"]["type"] == "layers");
    for (size_t i = 0; i < 3; ++i) {
        // Uncompressed: the blob is the tar, its digest the diff_id.
        CHECK(config["modelfs"]["diffIds"][i] == m.layers[i].digest.str());
        auto tar = testing::read_tar(s.read_blob(m.layers[i].digest).value());
        REQUIRE(tar.size() == 1);
        CHECK(tar[0].path == m.layers[i].annotations.at(k_ann_model_filepath));
    }
}

TEST_CASE("oci provenance: an in-toto SLSA statement stored as a referrer", "[oci]") {
    testing::TempDir dir;
    auto s = *store::Store::init(dir / "store");
    auto subject = s.put_blob("{}", store::k_oci_manifest).value();
    Provenance p;
    p.subject_name = "iris-image:v1";
    p.subject = subject.digest;
    p.external_parameters = {{"run", "iris:v1"}};
    p.dependencies.push_back({"run", "", {{"sha256", std::string(64, 'a')}}, "", {}});
    p.byproducts.push_back({"layer", "", {{"sha256", std::string(64, 'b')}}, "x", {}});
    auto st = provenance_statement(p);
    CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
    CHECK(st["predicateType"] == "https://slsa.dev/provenance/v1");
    CHECK(st["subject"][0]["digest"]["sha256"] == std::string(subject.digest.hex()));
    CHECK(st["predicate"]["buildDefinition"]["buildType"] == k_build_type);
    CHECK(st["predicate"]["buildDefinition"]["resolvedDependencies"][0]["name"] == "run");
    CHECK(st["predicate"]["runDetails"]["builder"]["id"] == k_builder_id);
    CHECK(provenance_statement(p) == st); // no clock in it

    auto d = put_attestation(s, subject, st, "1980-01-01T00:00:00Z");
    REQUIRE(d);
    CHECK(d->artifact_type == k_in_toto);
    auto m = s.read_manifest(d->digest).value();
    REQUIRE(m.subject);
    CHECK(m.subject->digest == subject.digest);
    CHECK(m.config.media_type == store::k_oci_empty);
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].media_type == k_in_toto);
    CHECK(nlohmann::json::parse(s.read_blob(m.layers[0].digest).value()) == st);
}
