// mlci verify: check the store.
#include "context.hpp"

#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
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
            ctx.out.json(store::to_json(report, store.root()));
        } else {
            for (auto& p : report.problems)
                ctx.out.result(p);
            ctx.out.note(fmt::format(
                "{}, {} checked: {}", plural(report.blobs, "blob"), human_bytes(report.bytes),
                report.problems.empty()
                    ? ctx.out.paint("ok", "green")
                    : ctx.out.paint(plural(report.problems.size(), "problem"), "red")));
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

} // namespace mlci::cli
