// mlci init: create a store.
#include "context.hpp"

#include <filesystem>
#include <mlci/core/text.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/project/scaffold.hpp>

namespace mlci::cli {

void register_init(CLI::App& app, Context& ctx) {
    struct Options {
        std::string dir = ".";
        bool example = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("init", "Create a store (.mlci) in a project folder");
    cmd->group("Setup");
    cmd->add_option("dir", opts->dir, "The project folder (default: the current folder)")
        ->type_name("DIR");
    cmd->add_flag("--example", opts->example,
                  "Also write a commented mlci.yaml for the project found in DIR (never "
                  "overwrites one)");
    cmd->callback([&ctx, opts] {
        std::filesystem::path dir = opts->dir;
        bool in_project = ctx.options.store_dir.empty();
        // Before the store: an mlci.yaml already there is an error that changes nothing.
        std::optional<project::ProjectScan> scan;
        if (opts->example)
            scan = value_or_throw(project::write_example(dir));
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
        if (scan)
            ctx.out.note(fmt::format(
                "wrote '{}' (training script: {}; {} found); edit it, then run 'mlci status'",
                (dir / "mlci.yaml").lexically_normal().string(),
                scan->script.empty() ? "none found" : scan->script,
                plural(scan->datasets.size(), "dataset")));
        if (ctx.options.json) {
            project::InitReport report{store.root(), !existed, ignored, std::nullopt};
            if (scan)
                report.config = (dir / "mlci.yaml").lexically_normal();
            ctx.out.json(project::to_json(report));
        } else {
            ctx.out.result(store.root().string());
        }
    });
    ctx.document({"init",
                  "Creates the store in DIR/.mlci (or at --store): an OCI image layout "
                  "(oci-layout, index.json, blobs/sha256/) that every step reads and writes, "
                  "plus mlci's locks and caches under mlci/. A store in DIR/.mlci is added to "
                  "DIR/.gitignore (the file is created when missing; a line that ignores .mlci "
                  "already is left alone). Running it again on an existing store changes "
                  "nothing.\n\nCommands find the store like git finds .git: --store, else "
                  "$MLCI_STORE, else the nearest .mlci above the current folder. --store and "
                  "$MLCI_STORE may name the store or the project folder holding it as .mlci.\n\n"
                  "With --example it also writes DIR/mlci.yaml for the project it finds there: "
                  "the training script (train.py, src/train.py, else a Python file named for "
                  "training) with the model and metrics files it names, the files and folders "
                  "under data/ as datasets, params.yaml, a tests folder, and requirements.txt. "
                  "Each key has a comment saying what it does; mlci.yaml(5) describes them all. "
                  "An existing mlci.yaml is never overwritten (exit 2, nothing changed).",
                  {{"mlci init", "create .mlci in the current folder"},
                   {"mlci init --example", "and a commented mlci.yaml for the project here"},
                   {"mlci --store /cache/mlci init", "create a shared store for CI jobs"}}});
}

} // namespace mlci::cli
