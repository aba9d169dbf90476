// mlci untag and mlci rm: removing tags. The artifacts stay in the store
// until `mlci gc` finds that nothing reaches them.
#include "context.hpp"

#include <mlci/core/text.hpp>
#include <mlci/store/retention.hpp>

namespace mlci::cli {

void register_untag(CLI::App& app, Context& ctx) {
    auto tags = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("untag", "Remove a tag; the artifact stays until gc");
    cmd->group("Store");
    cmd->add_option("tag", *tags, "The tags to remove (NAME:TAG)")->required()->type_name("REF");
    cmd->callback([&ctx, tags] {
        value_or_throw(store::untag(ctx.store(), *tags));
        if (!ctx.options.json)
            for (auto& t : *tags)
                ctx.out.result(t);
        if (ctx.options.json)
            ctx.out.json(store::untag_json(*tags));
        else
            ctx.out.note(fmt::format("removed {} (run 'mlci gc' to free the space)",
                                     plural(tags->size(), "tag")));
    });
    ctx.document({"untag",
                  "Removes each tag given (NAME:TAG) from the store's index. The artifact "
                  "itself stays: another tag, an artifact's lineage or a deployment may still "
                  "reach it, and 'mlci gc' deletes its blobs only when nothing does. Removing "
                  "NAME:latest does not move it elsewhere; 'mlci rm' removes whole versions.",
                  {{"mlci untag iris-classifier:candidate", "drop one tag"},
                   {"mlci untag a:v1 a:v2 && mlci gc", "drop two versions, then free the space"}}});
}

void register_rm(CLI::App& app, Context& ctx) {
    auto refs = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("rm", "Remove every tag of a name, or one version");
    cmd->group("Store");
    cmd->add_option("name", *refs, "NAME (every tag) or NAME:TAG (that version)")
        ->required()
        ->type_name("NAME[:TAG]");
    cmd->callback([&ctx, refs] {
        auto& store = ctx.store();
        std::vector<store::Removal> removals;
        size_t total = 0;
        for (auto& r : *refs) {
            auto removal = value_or_throw(store::remove_name(store, r));
            total += removal.removed.size();
            if (!ctx.options.json) {
                for (auto& t : removal.removed)
                    ctx.out.result(t);
                if (!removal.latest.empty())
                    ctx.out.note(
                        fmt::format("{}:latest now names {}", store::tag_name(r), removal.latest));
            }
            removals.push_back(std::move(removal));
        }
        if (ctx.options.json)
            ctx.out.json(store::to_json(removals));
        else
            ctx.out.note(
                fmt::format("removed {} (run 'mlci gc' to free the space)", plural(total, "tag")));
    });
    ctx.document(
        {"rm",
         "Removes artifacts from the store's index by name. 'mlci rm NAME' removes every tag of "
         "the name (every version and latest); 'mlci rm NAME:TAG' removes the version that tag "
         "names: every tag of NAME on the same artifact, and when NAME:latest was one of them it "
         "moves to the newest version left. Blobs stay until 'mlci gc' finds nothing reaches "
         "them (a run's lineage keeps its input datasets; a deployment keeps its package).",
         {{"mlci rm scratch-experiment", "forget a name"},
          {"mlci rm iris-classifier:v3", "drop one version"},
          {"mlci rm old && mlci gc --grace 0", "drop it and free the space now"}}});
}

} // namespace mlci::cli
