#include <mlci/oci/media_types.hpp>
#include <mlci/package/lineage.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::package {

namespace {

constexpr const char* k_ann_run = "dev.mlci.run";
constexpr const char* k_ann_validation = "dev.mlci.validation";
constexpr const char* k_ann_base_digest = "org.opencontainers.image.base.digest";

std::string lineage_key(std::string_view what) {
    return std::string(store::k_ann_lineage_prefix) + std::string(what);
}

const train::CodeRecord* code_of(const BuildContext& ctx) {
    auto& code = ctx.src.run.record.code;
    return code && !code->commit.empty() ? &*code : nullptr;
}

oci::Resource digest_resource(std::string name, std::string uri, const hash::Digest& d,
                              std::string media_type = {}) {
    return {std::move(name),
            std::move(uri),
            {{"sha256", std::string(d.hex())}},
            std::move(media_type),
            {}};
}

} // namespace

store::Annotations lineage_annotations(const BuildContext& ctx) {
    auto& run = ctx.src.run;
    auto& record = run.record;
    auto run_digest = run.entry.descriptor.digest.str();
    store::Annotations a{{store::k_ann_created, ctx.created},
                         {store::k_ann_kind, "package"},
                         {store::k_ann_name, ctx.name},
                         // The run's id, not its tag: tags differ between stores.
                         {k_ann_run, record.id.empty() ? run_digest : record.id},
                         {lineage_key("run"), run_digest},
                         {validate::k_ann_verdict, ctx.src.verdict()}};
    if (auto* code = code_of(ctx)) {
        a[store::k_ann_revision] = code->commit;
        if (!code->remote.empty())
            a[oci::k_ann_source] = code->remote;
    }
    if (!ctx.version.empty())
        a[oci::k_ann_version] = ctx.version;
    if (auto it = run.manifest.annotations.find(train::k_ann_lineage_inputs);
        it != run.manifest.annotations.end())
        a[lineage_key("inputs")] = it->second;
    for (auto& [k, v] : run.manifest.annotations)
        if (k.starts_with(train::k_ann_metric_prefix))
            a[k] = v;
    if (ctx.src.validation)
        a[k_ann_validation] = ctx.src.validation->entry.descriptor.digest.str();
    return a;
}

std::map<std::string, std::string> lineage_labels(const BuildContext& ctx) {
    std::map<std::string, std::string> labels{
        {store::k_ann_created, ctx.created},
        {lineage_key("run"), ctx.src.run.entry.descriptor.digest.str()}};
    if (auto* code = code_of(ctx)) {
        labels[store::k_ann_revision] = code->commit;
        if (!code->remote.empty())
            labels[oci::k_ann_source] = code->remote;
    }
    if (!ctx.version.empty())
        labels[oci::k_ann_version] = ctx.version;
    return labels;
}

oci::Provenance provenance_of(const BuildContext& ctx, const Built& built,
                              const std::string& reference) {
    auto& o = ctx.options;
    auto& run = ctx.src.run;
    oci::Provenance p;
    p.subject_name = reference;
    p.subject = built.manifest.digest;

    nlohmann::json add = nlohmann::json::array();
    for (auto& a : o.add)
        add.push_back(a.dest.empty() ? a.source.filename().string()
                                     : a.source.filename().string() + ":" + a.dest);
    p.external_parameters = {{"run", o.requested.empty() ? run.reference() : o.requested},
                             {"format", to_string(o.format)},
                             {"compression", oci::to_string(o.compression)},
                             {"tag", reference},
                             {"allowUnvalidated", o.allow_unvalidated}};
    if (o.format == Format::image) {
        auto& c = o.changes;
        p.external_parameters["base"] = o.base;
        p.external_parameters["modelDir"] = o.model_dir;
        p.external_parameters["layout"] = to_string(o.layout);
        if (c.entrypoint)
            p.external_parameters["entrypoint"] = *c.entrypoint;
        if (c.cmd)
            p.external_parameters["cmd"] = *c.cmd;
        if (!c.env.empty())
            p.external_parameters["env"] = c.env;
        if (!c.ports.empty())
            p.external_parameters["ports"] = c.ports;
        if (c.workdir)
            p.external_parameters["workdir"] = *c.workdir;
        if (!c.labels.empty())
            p.external_parameters["labels"] = c.labels;
    }
    if (!add.empty())
        p.external_parameters["add"] = add;
    p.internal_parameters = {{"created", ctx.created}, {"mtime", ctx.mtime}};
    if (o.source_date_epoch)
        p.internal_parameters["sourceDateEpoch"] = *o.source_date_epoch;

    auto run_dep = digest_resource("run", "", run.entry.descriptor.digest, store::k_type_run);
    run_dep.annotations = {{"reference", run.reference()}};
    if (!run.record.id.empty())
        run_dep.annotations["id"] = run.record.id;
    p.dependencies.push_back(run_dep);
    for (auto& in : run.record.inputs)
        if (!in.digest.empty())
            p.dependencies.push_back(
                digest_resource("dataset " + in.name, "", in.digest, store::k_type_dataset));
    if (auto* code = code_of(ctx)) {
        auto uri =
            code->remote.empty() ? std::string() : "git+" + code->remote + "@" + code->commit;
        p.dependencies.push_back({"code", uri, {{"gitCommit", code->commit}}, {}, {}});
    }
    if (ctx.src.validation) {
        auto v = digest_resource("validation", "", ctx.src.validation->entry.descriptor.digest,
                                 store::k_type_validation);
        v.annotations = {{"verdict", ctx.src.verdict()}};
        p.dependencies.push_back(v);
    }
    if (built.base && !built.base->scratch())
        p.dependencies.push_back(digest_resource("base image", built.base->spec,
                                                 built.base->manifest->digest,
                                                 built.base->manifest->media_type));

    p.byproducts.push_back(
        digest_resource("config", "", built.doc.config.digest, built.doc.config.media_type));
    for (size_t i = 0; i < built.layers.size(); ++i) {
        auto& l = built.layers[i].blob;
        auto path = l.annotations.find(oci::k_ann_model_filepath);
        auto name = path != l.annotations.end() ? "layer " + path->second
                    : i == 0                    ? std::string("model layer")
                                                : std::string("serving files layer");
        p.byproducts.push_back(digest_resource(name, "", l.digest, l.media_type));
    }
    return p;
}

} // namespace mlci::package
