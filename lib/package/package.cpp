#include <cctype>
#include <mlci/oci/epoch.hpp>
#include <mlci/oci/provenance.hpp>
#include <mlci/package/build.hpp>
#include <mlci/package/lineage.hpp>
#include <mlci/package/package.hpp>

namespace mlci::package {

namespace {

// Times come from SOURCE_DATE_EPOCH when set. Otherwise entries get the
// fixed epoch (so the model's layer depends on its files alone) and the
// image is "created" when the run ended: a fact of the run, the same in
// every store, and more useful to a reader than 1980.
void set_times(BuildContext& ctx) {
    if (auto& sde = ctx.options.source_date_epoch) {
        ctx.mtime = *sde;
        ctx.created = oci::rfc3339(*sde);
        return;
    }
    ctx.mtime = oci::k_fixed_epoch;
    auto& ended = ctx.src.run.record.ended;
    ctx.created = ended.empty() ? oci::rfc3339(oci::k_fixed_epoch) : ended;
}

// Tags the package: NAME:TAG as given; for NAME alone, the NAME:vN this
// image already has, else the next NAME:vN (and NAME:latest).
Result<std::pair<std::string, bool>> apply_tag(store::Store& store, const store::Descriptor& d,
                                               const std::string& name,
                                               const std::string& version) {
    if (!version.empty()) {
        auto tag = name + ":" + version;
        MLCI_TRY(store.add_to_index(d, {tag}));
        return std::pair{tag, false};
    }
    // Looked for under the tag lock: two packages of one run at once get one version.
    auto existing =
        [&](const std::vector<store::IndexEntry>& entries) -> Result<std::optional<std::string>> {
        for (auto& e : entries)
            if (e.descriptor.digest == d.digest)
                if (auto v = train::parse_version_tag(e.tag); v && v->first == name)
                    return std::optional(e.tag);
        return std::optional<std::string>();
    };
    MLCI_TRY_ASSIGN(tagged, store.tag_next_version(d, name, existing));
    return std::pair{tagged.tag, tagged.existing};
}

} // namespace

Result<Format> parse_format(std::string_view text) {
    if (text == "image")
        return Format::image;
    if (text == "modelpack")
        return Format::modelpack;
    return usage_error("unknown format '{}' (use image or modelpack)", text);
}

std::string_view to_string(Format f) {
    return f == Format::image ? "image" : "modelpack";
}

Result<Layout> parse_layout(std::string_view text) {
    if (text == "standard")
        return Layout::standard;
    if (text == "modelcar")
        return Layout::modelcar;
    return usage_error("unknown layout '{}' (use standard or modelcar)", text);
}

std::string_view to_string(Layout l) {
    return l == Layout::standard ? "standard" : "modelcar";
}

std::string default_package_name(std::string_view run_name, Format format) {
    std::string name;
    for (char c : run_name) {
        auto u = static_cast<unsigned char>(c);
        name += std::isalnum(u) || c == '.' || c == '_' || c == '-'
                    ? static_cast<char>(std::tolower(u))
                    : '-';
    }
    while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.front())))
        name.erase(0, 1);
    if (name.empty())
        name = "model";
    return name + (format == Format::image ? "-image" : "-modelpack");
}

Result<PackageResult> package_run(store::Store& store, const store::IndexEntry& entry,
                                  const Options& options, const Reporter& reporter) {
    MLCI_TRY_ASSIGN(src, load_source(store, entry));
    MLCI_TRY(check_gate(src, options.allow_unvalidated));

    BuildContext ctx{store, src, options, reporter, 0, {}, {}, {}};
    auto colon = options.tag.find(':');
    ctx.name = options.tag.substr(0, colon);
    if (colon != std::string::npos)
        ctx.version = options.tag.substr(colon + 1);
    if (ctx.name.empty())
        ctx.name = default_package_name(src.run.record.name, options.format);
    MLCI_TRY(store::validate_tag(ctx.version.empty() ? ctx.name : options.tag));
    set_times(ctx);

    // Held until the tag names what was written: gc waits for it.
    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    MLCI_TRY_ASSIGN(built,
                    options.format == Format::image ? build_image(ctx) : build_modelpack(ctx));
    // The provenance names the tag it was made for; tags come after the
    // blobs, so it is built with the tag the image will get.
    std::string reference;
    bool unchanged = false;
    {
        // Blobs first, durable, then names (store.hpp's write order).
        MLCI_TRY(store.sync());
        MLCI_TRY_ASSIGN(tagged, apply_tag(store, built.manifest, ctx.name, ctx.version));
        reference = tagged.first;
        unchanged = tagged.second;
    }
    auto statement = oci::provenance_statement(provenance_of(ctx, built, reference));
    MLCI_TRY_ASSIGN(provenance,
                    oci::put_attestation(store, built.manifest, statement, ctx.created));
    MLCI_TRY(store.sync());
    MLCI_TRY(store.add_to_index(provenance, {}));

    if (options.output)
        MLCI_TRY(oci::write_archive(store, built.manifest, reference, *options.output, ctx.mtime,
                                    reporter));

    PackageResult r;
    r.reference = reference;
    r.manifest = built.manifest;
    r.unchanged = unchanged;
    r.run = src.run.reference();
    r.run_digest = src.run.entry.descriptor.digest;
    r.verdict = src.verdict();
    if (src.validation)
        r.validation = src.validation->entry.descriptor.digest;
    r.layers = std::move(built.layers);
    r.model_files = built.model_files;
    r.model_bytes = built.model_bytes;
    r.serving_files = built.serving_files;
    r.provenance = provenance;
    r.created = ctx.created;
    r.base = options.format == Format::image ? options.base : std::string();
    return r;
}

} // namespace mlci::package
