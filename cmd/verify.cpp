// mlci verify and mlci gc: check and clean the store.
#include "context.hpp"
#include "duration_option.hpp"

#include <mlci/core/parallel.hpp>
#include <mlci/store/maintenance.hpp>

namespace mlci::cli {

void register_verify(CLI::App& app, Context& ctx) {
    auto jobs = std::make_shared<unsigned>(default_jobs());
    auto* cmd =
        app.add_subcommand("verify", "Re-hash every blob and check every artifact is whole");
    cmd->group("Store");
    cmd->add_option("-j,--jobs", *jobs, "Hash this many blobs at once (default: all cores)");
    cmd->callback([&ctx, jobs] {
        auto& store = ctx.store();
        auto report = value_or_throw(store::verify(store, *jobs, ctx.out.reporter()));
        ctx.out.end_progress();
        if (ctx.options.json) {
            ctx.out.json({{"store", store.root().string()},
                          {"blobs", report.blobs},
                          {"bytes", report.bytes},
                          {"ok", report.problems.empty()},
                          {"problems", report.problems}});
        } else {
            for (auto& p : report.problems)
                ctx.out.result(p);
            ctx.out.note(fmt::format(
                "{} blobs, {} checked: {}", report.blobs, human_bytes(report.bytes),
                report.problems.empty()
                    ? ctx.out.paint("ok", "green")
                    : ctx.out.paint(fmt::format("{} problem(s)", report.problems.size()), "red")));
        }
        if (!report.problems.empty())
            ctx.exit = Exit::gate;
    });
    ctx.document({"verify",
                  "Re-hashes every blob in the store on all cores and checks that every "
                  "artifact the index lists is whole: its manifest parses and its config, "
                  "layers, file lists and nested manifests are present. Each pack's chunks must "
                  "hash to the digests its index gives, and each chunk list must name chunks its "
                  "packs hold where it says. Prints one line per "
                  "problem (corrupt blob, missing blob and who names it) and exits 1 when there "
                  "is any. Lineage that points outside the store (an artifact pulled without its "
                  "inputs) is not a problem.",
                  {{"mlci verify", "check the store; exit 1 on corruption"},
                   {"mlci verify --json | jq .problems", "the problems as JSON"}}});
}

void register_gc(CLI::App& app, Context& ctx) {
    struct Options {
        bool dry_run = false;
        std::optional<std::chrono::milliseconds> grace;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("gc", "Delete blobs that no tag, artifact or lineage reaches");
    cmd->group("Store");
    cmd->add_flag("--dry-run", opts->dry_run, "List what would be deleted; delete nothing");
    add_duration_option(cmd, "--grace", opts->grace,
                        "Keep unreferenced blobs younger than this (default: 1h)",
                        ZeroDuration::allowed);
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        store::GcOptions o{opts->dry_run, std::chrono::ceil<std::chrono::seconds>(
                                              opts->grace.value_or(std::chrono::hours(1)))};
        auto report = value_or_throw(store::gc(store, o));
        if (ctx.options.json) {
            nlohmann::json removed = nlohmann::json::array();
            for (auto& [d, size] : report.removed)
                removed.push_back({{"digest", d.str()}, {"size", size}});
            ctx.out.json({{"dry_run", opts->dry_run},
                          {"kept", report.kept},
                          {"removed", removed},
                          {"removed_bytes", report.removed_bytes},
                          {"temp_files_removed", report.temp_files_removed}});
            return;
        }
        for (auto& [d, size] : report.removed)
            ctx.out.result(d.str());
        ctx.out.note(fmt::format("{} {} blob(s), {}; kept {}",
                                 opts->dry_run ? "would remove" : "removed", report.removed.size(),
                                 human_bytes(report.removed_bytes), report.kept));
    });
    ctx.document({"gc",
                  "Deletes the blobs that nothing reaches. Roots are the entries of index.json "
                  "(every tag and artifact); from them gc follows manifests, file lists and "
                  "lineage annotations, and keeps referrers (signatures, reports) whose subject "
                  "it keeps. It waits for running mlci writers to finish, and keeps "
                  "unreferenced blobs younger than the grace period, so it never deletes what "
                  "another process is writing. Prints the digests it removes.",
                  {{"mlci gc --dry-run", "list what would be deleted"},
                   {"mlci gc --grace 0", "delete every unreferenced blob now"}}});
}

} // namespace mlci::cli
