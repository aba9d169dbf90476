// A model as a CNCF ModelPack artifact (github.com/modelpack/model-spec):
// artifactType application/vnd.cncf.model.manifest.v1+json, a model config
// (descriptor, config, modelfs), and one uncompressed tar layer per file,
// typed weight, weight.config, code, doc or dataset and annotated with its
// path (compressed only on request), so KitOps, modctl and Kubernetes image volumes can read it.
#pragma once

#include <filesystem>
#include <mlci/core/progress.hpp>
#include <mlci/oci/layer_writer.hpp>
#include <mlci/oci/tar_writer.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::oci {

enum class ModelFileKind { weight, weight_config, code, doc, dataset };

// The layer media type for a kind ("application/vnd.cncf.model.weight.v1.tar").
const char* model_media_type(ModelFileKind kind);
// "weight", "weight.config", "code", "doc", "dataset"
std::string_view to_string(ModelFileKind kind);

// Guesses a file's kind from its name: tokenizer and *config.json files are
// weight.config, READMEs, licences and Markdown are doc, sources and scripts
// are code, tables (.csv, .parquet, .jsonl...) are dataset, anything else is
// a weight.
ModelFileKind classify_model_file(std::string_view path);

// The model format ModelPack's config.format names ("onnx", "pytorch",
// "safetensors", "gguf", "tensorflow", "keras", "pickle"...), guessed from
// weight file extensions; empty when unknown.
std::string guess_model_format(const std::vector<std::string>& weight_paths);

struct ModelFile {
    std::string path; // in the artifact, relative: "model.pkl", "src/serve.py"
    std::filesystem::path source;
    uint64_t size = 0;
    bool executable = false;
    ModelFileKind kind = ModelFileKind::weight;
    ContentSource content = {}; // set: the bytes come from it, not from `source`
};

struct ModelPackSpec {
    std::vector<ModelFile> files;
    nlohmann::json descriptor = nlohmann::json::object(); // name, version, createdAt, ...
    nlohmann::json config = nlohmann::json::object();     // format, ...
    store::Annotations annotations;                       // of the manifest
    Compression compression = Compression::none;          // the spec advises none for weights
    int64_t mtime = 0;
    unsigned jobs = 0;
};

struct ModelPack {
    store::Descriptor manifest; // as stored (artifactType set)
    store::Manifest doc;
    nlohmann::json config;
    std::vector<Layer> layers;
};

// Writes every file's layer (in kind order, then by path), the config and
// the manifest. Blobs only: the caller syncs and indexes.
Result<ModelPack> put_modelpack(store::Store& store, const ModelPackSpec& spec,
                                const Reporter& reporter);

} // namespace mlci::oci
