// mlci init: create a store.
#include "context.hpp"

#include <filesystem>
#include <mlci/data/pointer.hpp>

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
        bool in_project = ctx.options.store_dir.empty();
        auto target = in_project ? dir / ".mlci" : store::Store::given_store(ctx.options.store_dir);
        bool existed = std::filesystem::exists(target / "oci-layout");
        auto store = value_or_throw(store::Store::init(target));
        ctx.out.note(
            existed ? fmt::format("reinitialised existing store in '{}'", store.root().string())
                    : fmt::format("initialised empty store in '{}'", store.root().string()));
        // The store holds data and models: never commit it by accident.
        bool ignored = false;
        if (in_project)
            value_or_throw(data::ignore_in_git(dir, ".mlci", &ignored));
        if (ignored)
            ctx.out.note(fmt::format("added '/.mlci' to '{}'", (dir / ".gitignore").string()));
        if (ctx.options.json)
            ctx.out.json(
                {{"store", store.root().string()}, {"created", !existed}, {"gitignore", ignored}});
        else
            ctx.out.result(store.root().string());
    });
    ctx.document({"init",
                  "Creates the store in DIR/.mlci (or at --store): an OCI image layout "
                  "(oci-layout, index.json, blobs/sha256/) that every step reads and writes, "
                  "plus mlci's locks and caches under mlci/. A store in DIR/.mlci is added to "
                  "DIR/.gitignore (the file is created when missing; a line that ignores .mlci "
                  "already is left alone). Running it again on an existing store changes "
                  "nothing.\n\nCommands find the store like git finds .git: --store, else "
                  "$MLCI_STORE, else the nearest .mlci above the current folder. --store and "
                  "$MLCI_STORE may name the store or the project folder holding it as .mlci.",
                  {{"mlci init", "create .mlci in the current folder"},
                   {"mlci --store /cache/mlci init", "create a shared store for CI jobs"}}});
}

} // namespace mlci::cli
