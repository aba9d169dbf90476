#include <mlci/oci/image.hpp>
#include <mlci/oci/modelpack.hpp>
#include <mlci/package/build.hpp>
#include <mlci/package/lineage.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <set>

namespace mlci::package {

namespace {

// A run's large output is kept in chunks: its bytes are streamed from them
// into the layer (no copy of the whole file first). Others are read from
// their blob.
oci::ContentSource content_of(const store::Store& store, const store::FileEntry& f) {
    if (!f.chunked())
        return {};
    return [&store, f](const std::function<Status(const void*, size_t)>& sink) {
        return store::stream_content(store, f, sink, f.path);
    };
}

// An absolute folder in the image as a relative path ("/model" -> "model").
Result<std::string> image_dir(std::string_view dir, std::string_view what) {
    if (!dir.starts_with('/'))
        return usage_error("invalid {} '{}' (give an absolute path in the image, e.g. /model)",
                           what, dir);
    auto rel = std::filesystem::path(dir).lexically_normal().relative_path().generic_string();
    while (rel.ends_with('/'))
        rel.pop_back();
    if (rel.starts_with(".."))
        return usage_error("invalid {} '{}'", what, dir);
    return rel;
}

std::string joined(const std::string& dir, const std::string& path) {
    return dir.empty() ? path : dir + "/" + path;
}

// The base's working directory, when it sets one.
std::string base_workdir(const oci::BaseImage& base) {
    auto cfg = base.config.value("config", nlohmann::json::object());
    auto it = cfg.find("WorkingDir");
    return it != cfg.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status refuse_image_flags(const Options& o) {
    auto& c = o.changes;
    const char* flag = o.base != "scratch" ? "--base"
                       : c.entrypoint      ? "--entrypoint"
                       : c.cmd             ? "--cmd"
                       : !c.env.empty()    ? "--env"
                       : !c.ports.empty()  ? "--port"
                       : c.workdir         ? "--workdir"
                       : !c.labels.empty() ? "--label"
                                           : nullptr;
    if (flag)
        return usage_error("{} applies to runnable images, not to --format modelpack", flag);
    return {};
}

} // namespace

Result<Built> build_image(const BuildContext& ctx) {
    auto& o = ctx.options;
    auto& store = ctx.store;
    Built built;
    MLCI_TRY_ASSIGN(base, oci::load_base_image(store, o.base, o.platform, ctx.reporter));
    MLCI_TRY_ASSIGN(model_dir, image_dir(o.model_dir, "model folder"));
    auto workdir = o.changes.workdir ? *o.changes.workdir : base_workdir(base);
    if (workdir.empty())
        workdir = k_default_workdir;
    MLCI_TRY(image_dir(workdir, "workdir"));
    MLCI_TRY_ASSIGN(serving, collect_serving_files(o.add, workdir));

    // The model's layer holds only its files, so the same model gives the
    // same layer whatever the base, the serving files or the store.
    std::vector<oci::TarEntry> model;
    for (auto& f : ctx.src.outputs) {
        model.push_back({joined(model_dir, f.path), store.blob_path(f.digest), f.size,
                         (f.mode & 0111) != 0, false, content_of(store, f)});
        built.model_bytes += f.size;
    }
    built.model_files = model.size();
    oci::LayerOptions lo{o.compression, 0, o.jobs, ctx.mtime, "packaging model"};
    auto run_digest = ctx.src.run.entry.descriptor.digest.str();
    std::vector<oci::NewLayer> layers;
    MLCI_TRY_ASSIGN(model_layer, oci::write_layer(store, std::move(model), lo, ctx.reporter));
    layers.push_back({model_layer, "mlci package (model of run " + run_digest + ")",
                      fmt::format("{} model files under /{}", built.model_files, model_dir)});
    if (!serving.empty()) {
        std::vector<oci::TarEntry> entries;
        for (auto& f : serving)
            entries.push_back({f.path, f.source, f.size, f.executable, false});
        built.serving_files = entries.size();
        lo.phase = "packaging serving files";
        MLCI_TRY_ASSIGN(layer, oci::write_layer(store, std::move(entries), lo, ctx.reporter));
        layers.push_back(
            {layer, "mlci package --add", fmt::format("{} serving files", built.serving_files)});
    }
    for (auto& l : layers)
        built.layers.push_back(l.layer);

    oci::ImageSpec spec;
    spec.layers = std::move(layers);
    spec.changes = o.changes;
    spec.changes.workdir = workdir;
    // Serving code finds the model without knowing --model-dir; the user's
    // --env comes after and may replace it.
    spec.changes.env.insert(spec.changes.env.begin(), "MLCI_MODEL_DIR=/" + model_dir);
    auto labels = lineage_labels(ctx);
    for (auto& [k, v] : o.changes.labels)
        labels[k] = v;
    spec.changes.labels = labels;
    spec.created = ctx.created;
    spec.annotations = lineage_annotations(ctx);
    if (!base.scratch())
        spec.annotations["org.opencontainers.image.base.digest"] = base.manifest->digest.str();
    spec.artifact_type = store::k_type_package;
    MLCI_TRY_ASSIGN(image, oci::put_image(store, base, spec));
    built.manifest = image.manifest;
    built.doc = image.doc;
    built.base = std::move(base);
    return built;
}

Result<Built> build_modelpack(const BuildContext& ctx) {
    auto& o = ctx.options;
    MLCI_TRY(refuse_image_flags(o));
    Built built;
    oci::ModelPackSpec spec;
    std::set<std::string> paths;
    std::vector<std::string> weights;
    for (auto& f : ctx.src.outputs) {
        auto kind = oci::classify_model_file(f.path);
        spec.files.push_back({f.path, ctx.store.blob_path(f.digest), f.size, (f.mode & 0111) != 0,
                              kind, content_of(ctx.store, f)});
        if (kind == oci::ModelFileKind::weight)
            weights.push_back(f.path);
        paths.insert(f.path);
        built.model_bytes += f.size;
    }
    built.model_files = spec.files.size();
    // Serving files keep their --add destination, relative to the artifact.
    MLCI_TRY_ASSIGN(serving, collect_serving_files(o.add, ""));
    for (auto& f : serving) {
        if (!paths.insert(f.path).second)
            return usage_error("'{}' is both a model file and an --add file", f.path);
        spec.files.push_back(
            {f.path, f.source, f.size, f.executable, oci::classify_model_file(f.path)});
    }
    built.serving_files = serving.size();

    auto& record = ctx.src.run.record;
    spec.descriptor = {{"name", ctx.name}, {"createdAt", ctx.created}};
    if (!ctx.version.empty())
        spec.descriptor["version"] = ctx.version;
    if (record.code && !record.code->commit.empty())
        spec.descriptor["revision"] = record.code->commit;
    if (record.code && !record.code->remote.empty())
        spec.descriptor["sourceURL"] = record.code->remote;
    if (auto format = oci::guess_model_format(weights); !format.empty())
        spec.config["format"] = format;
    spec.annotations = lineage_annotations(ctx);
    spec.compression = o.compression;
    spec.mtime = ctx.mtime;
    spec.jobs = o.jobs;
    MLCI_TRY_ASSIGN(pack, oci::put_modelpack(ctx.store, spec, ctx.reporter));
    built.manifest = pack.manifest;
    built.doc = pack.doc;
    built.layers = std::move(pack.layers);
    return built;
}

} // namespace mlci::package
