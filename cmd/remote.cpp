// mlci remote: add, list, remove and pick the default of the named remotes
// that push and pull use when given no destination.
#include "remotes.hpp"

#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/registry/registry_json.hpp>

namespace mlci::cli {

namespace {

config::ProjectConfig project_config() {
    return value_or_throw(config::find_project_config(std::filesystem::current_path()));
}

void register_remote_add(CLI::App& parent, Context& ctx) {
    struct Options {
        std::string name, url;
        bool make_default = false, plain_http = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = parent.add_subcommand("add", "Add a remote (the first one becomes the default)");
    cmd->add_option("name", opts->name, "Its name, like a git remote's (origin)")
        ->required()
        ->type_name("NAME");
    cmd->add_option("dest", opts->url, "HOST[:PORT]/REPO or oci:PATH")
        ->required()
        ->type_name("DEST");
    cmd->add_flag("-d,--default", opts->make_default, "Make it the default remote");
    cmd->add_flag("--plain-http", opts->plain_http,
                  "Talk HTTP, not HTTPS, to this registry (one on this machine)");
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        auto project = project_config();
        value_or_throw(registry::add_remote(store, project, opts->name, opts->url, opts->plain_http,
                                            opts->make_default));
        auto remotes = value_or_throw(registry::load_remotes(store, project));
        bool is_default = remotes.default_name == opts->name;
        ctx.out.note(fmt::format("added remote '{}' ({}){}", opts->name, opts->url,
                                 is_default ? ", the default" : ""));
        if (ctx.options.json)
            ctx.out.json(registry::added_remote_json(opts->name, opts->url, is_default));
    });
}

void register_remote_list(CLI::App& parent, Context& ctx) {
    auto* cmd = parent.add_subcommand("list", "List the remotes, the default marked");
    cmd->callback([&ctx] {
        auto remotes = load_remotes(ctx);
        if (ctx.options.json) {
            ctx.out.json(registry::to_json(remotes));
            return;
        }
        for (auto& r : remotes.list) {
            std::string marks;
            if (r.name == remotes.default_name)
                marks += " (default)";
            if (r.plain_http)
                marks += " (plain http)";
            if (r.from_project)
                marks += " (mlci.yaml)";
            ctx.out.result(fmt::format("{:<12} {}{}", r.name, r.ref.location(), marks));
        }
    });
}

void register_remote_remove(CLI::App& parent, Context& ctx) {
    auto name = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("remove", "Remove a remote from the store");
    cmd->alias("rm");
    cmd->add_option("name", *name, "The remote")->required()->type_name("NAME");
    cmd->callback([&ctx, name] {
        value_or_throw(registry::remove_remote(ctx.store(), project_config(), *name));
        ctx.out.note(fmt::format("removed remote '{}'", *name));
    });
}

void register_remote_default(CLI::App& parent, Context& ctx) {
    auto name = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("default", "Make a remote the default");
    cmd->add_option("name", *name, "The remote")->required()->type_name("NAME");
    cmd->callback([&ctx, name] {
        value_or_throw(registry::set_default_remote(ctx.store(), project_config(), *name));
        ctx.out.note(fmt::format("'{}' is the default remote", *name));
    });
}

} // namespace

registry::Remotes load_remotes(Context& ctx) {
    return value_or_throw(registry::load_remotes(ctx.store(), project_config()));
}

void register_remote(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("remote", "Name the registries and layouts push and pull use");
    cmd->group("Pipeline");
    cmd->require_subcommand(1);
    register_remote_add(*cmd, ctx);
    register_remote_list(*cmd, ctx);
    register_remote_remove(*cmd, ctx);
    register_remote_default(*cmd, ctx);
    ctx.document(
        {"remote",
         "Names the places artifacts are shared through, as git remotes do: a registry "
         "HOST[:PORT]/REPO or an OCI layout oci:PATH. With a default remote, 'mlci push REF' and "
         "'mlci pull REF' need no destination: the artifact NAME:TAG goes to and comes from the "
         "repository REPO/NAME with tag TAG (in a layout, the ref name NAME:TAG), and "
         "'mlci data-version checkout' fetches a version the store lacks from it.\n\n"
         "'add' checks the name ([a-z0-9][a-z0-9._-]*) and the destination with the parser push "
         "uses; the first remote added becomes the default, as does one added with --default. "
         "--plain-http is kept with the remote. 'default' changes the default; 'remove' forgets "
         "a remote; 'list' shows each with its destination and a (default) marker.\n\n"
         "The store keeps its remotes in mlci/remotes.json. A project can share remotes in "
         "mlci.yaml:\n\n"
         "  remotes:\n"
         "    origin: registry.example.com/team/ml\n"
         "    local: {url: localhost:5000/team, plain_http: true, default: true}\n\n"
         "For a name both define, the store's wins; the store's default wins over mlci.yaml's. "
         "A relative oci: path is kept absolute in the store and is relative to the project in "
         "mlci.yaml.\n\n"
         "Exit status: 0 done; 2 a bad name or destination, a name taken, or no such remote.",
         {{"mlci remote add origin registry.example.com/team/ml",
           "add a remote (the first is the default)"},
          {"mlci remote add local localhost:5000/team --plain-http -d",
           "a registry on this machine, made the default"},
          {"mlci remote list", "the remotes, the default marked"},
          {"mlci push iris:v3", "push to the default remote as REPO/iris:v3"},
          {"mlci --store fresh pull iris:v3", "pull it back, still named iris:v3"}}});
}

} // namespace mlci::cli
