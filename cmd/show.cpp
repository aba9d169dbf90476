// mlci show: an artifact's manifest, annotations and files.
#include "context.hpp"

#include <mlci/data/dataset_json.hpp>
#include <mlci/store/artifact_json.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::cli {

namespace {

void print_profile(Output& out, const std::string& path, const nlohmann::json& prof) {
    out.result(fmt::format("profile of {}: {} rows, {} duplicate", path, prof.value("rows", 0),
                           prof.value("duplicate_rows", 0)));
    out.result(fmt::format("  {:<20} {:<7} {:>6} {:>12} {:>12} {:>12} {:>12}", "column", "type",
                           "nulls", "min", "max", "mean", "std"));
    auto num = [](const nlohmann::json& c, const char* key) {
        return c.contains(key) && c[key].is_number() ? human_number(c[key].get<double>())
                                                     : std::string("-");
    };
    for (auto& c : prof.value("columns", nlohmann::json::array())) {
        std::string extra;
        if (c.contains("top") && c["top"].is_array() && !c["top"].empty()) {
            for (auto& t : c["top"]) {
                if (extra.size() > 40)
                    break;
                extra += fmt::format("{}{}", extra.empty() ? "  top: " : ", ",
                                     t.is_array() ? t[0].get<std::string>()
                                                  : t.value("value", std::string()));
            }
        }
        out.result(fmt::format("  {:<20} {:<7} {:>6} {:>12} {:>12} {:>12} {:>12}{}",
                               c.value("name", ""), c.value("type", ""), c.value("nulls", 0),
                               num(c, "min"), num(c, "max"), num(c, "mean"), num(c, "std"), extra));
    }
}

} // namespace

void register_show(CLI::App& app, Context& ctx) {
    struct Options {
        std::string ref;
        bool all_files = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd =
        app.add_subcommand("show", "Show an artifact: manifest, annotations, files, profile");
    cmd->group("Store");
    cmd->add_option("ref", opts->ref, "The artifact (NAME[:TAG], digest, short digest, or -)")
        ->required()
        ->type_name("REF");
    cmd->add_flag("--all-files", opts->all_files, "List every file (default: the first 20)");
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        auto entry = ctx.resolve(opts->ref);
        auto manifest = value_or_throw(store.read_manifest(entry.descriptor.digest));
        std::optional<data::Dataset> ds;
        if (manifest.artifact_type == store::k_type_dataset)
            ds = value_or_throw(data::load_dataset(store, entry));

        if (ctx.options.json) {
            ctx.out.json(value_or_throw(data::show_json(store, entry)));
            return;
        }
        auto& out = ctx.out;
        out.result(fmt::format("{} {}", out.paint(store::kind_of(manifest), "bold"),
                               store::display_name(entry)));
        out.result(fmt::format("digest: {}", entry.descriptor.digest.str()));
        if (!manifest.artifact_type.empty())
            out.result(fmt::format("artifactType: {}", manifest.artifact_type));
        if (manifest.subject)
            out.result(fmt::format("subject: {}", manifest.subject->digest.str()));
        for (auto& [k, v] : manifest.annotations)
            out.result(fmt::format("  {}: {}", k, v));
        out.result(fmt::format("config: {} {} ({} B)", manifest.config.media_type,
                               manifest.config.digest.short_hex(), manifest.config.size));
        for (auto& l : manifest.layers) {
            auto title = l.annotations.contains("org.opencontainers.image.title")
                             ? " " + l.annotations.at("org.opencontainers.image.title")
                             : std::string();
            out.result(fmt::format("layer: {} {} ({}){}", l.media_type, l.digest.short_hex(),
                                   human_bytes(l.size), title));
        }
        if (!ds)
            return;
        out.result(fmt::format("files: {} ({})", ds->file_count(), human_bytes(ds->size())));
        size_t shown = 0;
        for (auto& root : ds->roots) {
            auto files = value_or_throw(data::load_files(store, root.file_list));
            for (auto& f : files) {
                if (!opts->all_files && shown++ >= 20)
                    break;
                out.result(fmt::format("  {:>10}  {}  {}", human_bytes(f.size),
                                       f.digest.short_hex(), f.path));
            }
        }
        if (!opts->all_files && shown > 20)
            out.note(fmt::format("({} more; --all-files lists them)", ds->file_count() - 20));
        for (auto& p : ds->profiles)
            print_profile(out, p.path, value_or_throw(data::read_profile_json(store, p)));
    });
    ctx.document({"show",
                  "Prints an artifact of any kind: its kind and reference, digest, annotations "
                  "(lineage, metrics, verdicts), config and layers. For a dataset it lists the "
                  "files (path, size, digest) and the column profile of every CSV file (rows, "
                  "duplicate rows; per column type, nulls, min, max, mean, std and top "
                  "categories). With --json, one document with the manifest, the config record, "
                  "the files and the full profiles.",
                  {{"mlci show iris", "the latest version of the dataset iris"},
                   {"mlci show 3f2a9c1", "an artifact by short digest"},
                   {"mlci --json show iris:v2 | jq '.profiles'", "the column profiles as JSON"}}});
}

} // namespace mlci::cli
