// mlci init: create a store.
#include "context.hpp"

#include <filesystem>

namespace mlci::cli {

void register_init(CLI::App& app, Context& ctx) {
    struct Options {
        std::string dir = ".";
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("init", "Create a store (.mlci) in a project folder");
    cmd->group("Setup");
    cmd->add_option("dir", opts->dir, "The project folder (default: the current folder)")
        ->type_name("DIR");
    cmd->callback([&ctx, opts] {
        std::filesystem::path dir = opts->dir;
        auto target = ctx.options.store_dir.empty() ? dir / ".mlci"
                                                    : std::filesystem::path(ctx.options.store_dir);
        bool existed = std::filesystem::exists(target / "oci-layout");
        auto store = value_or_throw(store::Store::init(target));
        ctx.out.note(
            existed ? fmt::format("reinitialised existing store in '{}'", store.root().string())
                    : fmt::format("initialised empty store in '{}'", store.root().string()));
        if (ctx.options.json)
            ctx.out.json({{"store", store.root().string()}, {"created", !existed}});
        else
            ctx.out.result(store.root().string());
    });
    ctx.document({"init",
                  "Creates the store in DIR/.mlci (or at --store): an OCI image layout "
                  "(oci-layout, index.json, blobs/sha256/) that every step reads and writes, "
                  "plus mlci's locks and caches under mlci/. Running it again on an existing "
                  "store changes nothing.\n\nCommands find the store like git finds .git: "
                  "--store, else $MLCI_STORE, else the nearest .mlci above the current folder.",
                  {{"mlci init", "create .mlci in the current folder"},
                   {"mlci --store /cache/mlci init", "create a shared store for CI jobs"}}});
}

} // namespace mlci::cli
