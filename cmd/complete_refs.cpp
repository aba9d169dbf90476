// mlci __complete refs: the references of the store, one a line, for the
// completion scripts to call at completion time. Hidden: no group.
#include "context.hpp"

#include <filesystem>

namespace mlci::cli {

void register_complete(CLI::App& app, Context& ctx) {
    auto what = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("__complete", "List words for shell completion");
    cmd->group(""); // hidden: in no help, man page or completion
    cmd->add_option("what", *what, "refs: the store's names and tags")
        ->required()
        ->check(CLI::IsMember({"refs"}));
    cmd->callback([&ctx, what] {
        // Completion never fails loudly: no store, no words.
        auto store = store::Store::discover(
            ctx.options.store_dir.empty()
                ? std::nullopt
                : std::optional<std::filesystem::path>(ctx.options.store_dir),
            std::filesystem::current_path());
        if (!store)
            return;
        auto entries = store->entries();
        if (!entries)
            return;
        for (auto& w : store::reference_words(*entries))
            ctx.out.result(w);
    });
}

} // namespace mlci::cli
