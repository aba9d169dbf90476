#include <algorithm>
#include <array>
#include <cctype>
#include <mlci/oci/epoch.hpp>
#include <mlci/oci/media_types.hpp>
#include <mlci/oci/modelpack.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::oci {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string extension(std::string_view name) {
    auto dot = name.rfind('.');
    return dot == std::string_view::npos ? std::string() : lower(name.substr(dot));
}

template <size_t N>
bool one_of(const std::string& s, const std::array<std::string_view, N>& list) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

} // namespace

const char* model_media_type(ModelFileKind kind) {
    switch (kind) {
    case ModelFileKind::weight:
        return k_model_weight;
    case ModelFileKind::weight_config:
        return k_model_weight_config;
    case ModelFileKind::code:
        return k_model_code;
    case ModelFileKind::doc:
        return k_model_doc;
    case ModelFileKind::dataset:
        return k_model_dataset;
    }
    return k_model_weight;
}

std::string_view to_string(ModelFileKind kind) {
    switch (kind) {
    case ModelFileKind::weight:
        return "weight";
    case ModelFileKind::weight_config:
        return "weight.config";
    case ModelFileKind::code:
        return "code";
    case ModelFileKind::doc:
        return "doc";
    case ModelFileKind::dataset:
        return "dataset";
    }
    return "weight";
}

ModelFileKind classify_model_file(std::string_view path) {
    auto name = lower(base_name(path));
    auto ext = extension(name);
    static constexpr std::array<std::string_view, 6> config_names = {
        "config.json", "tokenizer.json", "special_tokens_map.json",
        "vocab.json",  "vocab.txt",      "merges.txt"};
    if (one_of(name, config_names) || name.starts_with("tokenizer") ||
        (ext == ".json" && name.ends_with("_config.json")))
        return ModelFileKind::weight_config;
    static constexpr std::array<std::string_view, 5> doc_exts = {".md", ".rst", ".pdf", ".html",
                                                                 ".adoc"};
    if (one_of(ext, doc_exts) || name.starts_with("readme") || name.starts_with("license") ||
        name.starts_with("licence") || name.starts_with("notice") || name.starts_with("copying"))
        return ModelFileKind::doc;
    static constexpr std::array<std::string_view, 16> code_exts = {
        ".py", ".sh",  ".ipynb", ".js",  ".ts",   ".go", ".rs", ".c",
        ".cc", ".cpp", ".h",     ".hpp", ".java", ".r",  ".jl", ".toml"};
    if (one_of(ext, code_exts) || name == "dockerfile" || name == "makefile" ||
        (name.starts_with("requirements") && ext == ".txt"))
        return ModelFileKind::code;
    static constexpr std::array<std::string_view, 9> data_exts = {
        ".csv", ".tsv", ".parquet", ".jsonl", ".ndjson", ".arrow", ".feather", ".avro", ".orc"};
    if (one_of(ext, data_exts))
        return ModelFileKind::dataset;
    return ModelFileKind::weight;
}

std::string guess_model_format(const std::vector<std::string>& weight_paths) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> formats = {{
        {".onnx", "onnx"},
        {".safetensors", "safetensors"},
        {".gguf", "gguf"},
        {".pt", "pytorch"},
        {".pth", "pytorch"},
        {".ckpt", "pytorch"},
        {".pb", "tensorflow"},
        {".tflite", "tflite"},
        {".h5", "keras"},
        {".keras", "keras"},
        {".pkl", "pickle"},
        {".pickle", "pickle"},
        {".joblib", "joblib"},
        {".mlmodel", "coreml"},
    }};
    for (auto& p : weight_paths) {
        auto ext = extension(base_name(p));
        for (auto& [e, f] : formats)
            if (ext == e)
                return std::string(f);
    }
    return {};
}

Result<ModelPack> put_modelpack(store::Store& store, const ModelPackSpec& spec,
                                const Reporter& reporter) {
    auto files = spec.files;
    std::sort(files.begin(), files.end(), [](const ModelFile& a, const ModelFile& b) {
        return std::pair(static_cast<int>(a.kind), a.path) <
               std::pair(static_cast<int>(b.kind), b.path);
    });
    ModelPack pack;
    auto& m = pack.doc;
    m.media_type = store::k_oci_manifest;
    m.artifact_type = k_model_manifest;
    auto diff_ids = nlohmann::json::array();
    for (auto& f : files) {
        // One file a layer, so registries and stores share a file's layer
        // between models that have it; uncompressed by default, as the spec
        // advises, so runtimes read weights without inflating them.
        TarEntry entry{f.path, f.source, f.size, f.executable, false, f.content};
        LayerOptions o{spec.compression, 0, spec.jobs, spec.mtime, "packaging " + f.path};
        MLCI_TRY_ASSIGN(layer, write_layer(store, {entry}, o, reporter));
        layer.blob.media_type = with_compression_suffix(model_media_type(f.kind), spec.compression);
        nlohmann::json meta{{"name", std::string(base_name(f.path))},
                            {"mode", f.executable ? 0755 : 0644},
                            {"uid", 0},
                            {"gid", 0},
                            {"size", f.size},
                            {"mtime", rfc3339(spec.mtime)},
                            {"typeflag", static_cast<int>('0')}};
        layer.blob.annotations = {{k_ann_model_filepath, f.path},
                                  {k_ann_model_file_metadata, meta.dump()}};
        diff_ids.push_back(layer.diff_id.str());
        m.layers.push_back(layer.blob);
        pack.layers.push_back(std::move(layer));
    }
    pack.config = {{"descriptor", spec.descriptor},
                   {"config", spec.config},
                   {"modelfs", {{"type", "layers"}, {"diffIds", diff_ids}}}};
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(pack.config), k_model_config));
    m.config = config;
    m.annotations = spec.annotations;
    MLCI_TRY_ASSIGN(manifest, store.put_manifest(m));
    pack.manifest = manifest;
    return pack;
}

} // namespace mlci::oci
