// mlci gc: clean the store: untag old versions, delete what nothing
// reaches, repack mostly dead packs.
#include "context.hpp"
#include "duration_option.hpp"

#include <mlci/config/project_config.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/project.hpp>
#include <mlci/project/retention.hpp>
#include <mlci/store/maintenance.hpp>

namespace mlci::cli {

void register_gc(CLI::App& app, Context& ctx) {
    struct Options {
        bool dry_run = false;
        bool repack = false;
        std::optional<std::chrono::milliseconds> grace;
        std::optional<unsigned> keep_last;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("gc", "Delete blobs that no tag, artifact or lineage reaches");
    cmd->group("Store");
    cmd->add_flag("--dry-run", opts->dry_run, "List what would be deleted; delete nothing");
    cmd->add_flag("--repack", opts->repack,
                  "Also copy the live chunks of packs that are mostly dead into new packs and "
                  "delete the old ones");
    add_duration_option(cmd, "--grace", opts->grace,
                        "Keep unreferenced blobs younger than this (default: 1h)",
                        ZeroDuration::allowed);
    cmd->add_option("--keep-last", opts->keep_last,
                    "Keep the N newest versions of each name; untag older ones first "
                    "(default: gc.keep_last in mlci.yaml, else keep all)")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        store::GcOptions o;
        o.dry_run = opts->dry_run;
        o.repack = opts->repack;
        o.grace =
            std::chrono::ceil<std::chrono::seconds>(opts->grace.value_or(std::chrono::hours(1)));
        auto cwd = std::filesystem::current_path();
        auto keep_last = opts->keep_last;
        if (!keep_last)
            keep_last = value_or_throw(config::find_project_config(cwd)).gc.keep_last;
        if (keep_last)
            o.retention = value_or_throw(
                project::retention_for(store, data::project_root(store, cwd), *keep_last));
        auto report = value_or_throw(store::gc(store, o));
        if (ctx.options.json) {
            ctx.out.json(store::to_json(report, opts->dry_run));
            return;
        }
        for (auto& t : report.retention.untag)
            ctx.out.note(fmt::format("{} {}", opts->dry_run ? "would untag" : "untagged", t));
        for (auto& t : report.retention.spared)
            ctx.out.detail(fmt::format("kept {}: in use (latest, another tag, an environment or "
                                       "a pointer file)",
                                       t));
        for (auto& [d, size] : report.removed)
            ctx.out.result(d.str());
        ctx.out.note(fmt::format("{} {}, {}; kept {}", opts->dry_run ? "would remove" : "removed",
                                 plural(report.removed.size(), "blob"),
                                 human_bytes(report.removed_bytes), report.kept));
        if (opts->repack) {
            auto& r = report.repack;
            if (opts->dry_run)
                ctx.out.note(fmt::format("would repack {} ({})", plural(r.packs.size(), "pack"),
                                         human_bytes(r.old_bytes)));
            else
                ctx.out.note(fmt::format("repacked {} ({}) into {}: {} moved",
                                         plural(r.packs.size(), "pack"), human_bytes(r.old_bytes),
                                         human_bytes(r.new_bytes),
                                         plural(r.chunks_moved, "chunk")));
        }
    });
    ctx.document({"gc",
                  "Deletes the blobs that nothing reaches. Roots are the entries of index.json "
                  "(every tag and artifact); from them gc follows manifests, file lists and "
                  "lineage annotations, and keeps referrers (signatures, reports) whose subject "
                  "it keeps. It waits for running mlci writers to finish, and keeps "
                  "unreferenced blobs younger than the grace period, so it never deletes what "
                  "another process is writing. Temporary files that a killed write left, in "
                  "the store's tmp folder or among the blobs (where earlier mlci versions wrote "
                  "them), go once older than the grace period too. Prints the digests it "
                  "removes.\n\n"
                  "With --keep-last N (or gc.keep_last in mlci.yaml) it first applies retention: "
                  "for each name, the version tags NAME:vN past the N newest are removed in one "
                  "atomic update of the index, then the blobs only they reached are deleted. A "
                  "version is kept whatever its age while NAME:latest or another tag names it, an "
                  "environment runs it or would roll back to it, or a pointer file in the project "
                  "names it; deployment histories are never pruned.\n\n"
                  "With --repack it then reclaims packs that are mostly dead: a pack whose chunks "
                  "that kept files need take less than half of it has those chunks copied, each "
                  "checked against its digest, into new packs, which are made durable before the "
                  "old pack is deleted. Chunk lists and manifests do not change (a chunk list "
                  "names where a chunk was first written; the chunk index finds where it is now), "
                  "so every digest stays the same, and a kill at any point leaves a store that "
                  "verifies. A version whose packs were repacked pushes to a registry that "
                  "holds them (one it came from or went to); to a new one, push first fetches "
                  "those packs back whole from there.",
                  {{"mlci gc --dry-run", "list what would be deleted"},
                   {"mlci gc --keep-last 5", "keep the five newest versions of each name"},
                   {"mlci gc --grace 0", "delete every unreferenced blob now"},
                   {"mlci gc --repack", "also reclaim the space of packs that are mostly dead"}}});
}

} // namespace mlci::cli
