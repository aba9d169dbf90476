// mlci lineage: the graph between artifacts, both ways.
#include "context.hpp"

#include <mlci/lineage/lineage.hpp>

namespace mlci::cli {

void register_lineage(CLI::App& app, Context& ctx) {
    struct Flags {
        std::string ref;
        int depth = 32;
    };
    auto flags = std::make_shared<Flags>();
    auto* cmd =
        app.add_subcommand("lineage", "Show where an artifact came from and what was made from it");
    cmd->group("Store");
    cmd->add_option("ref", flags->ref, "The artifact (NAME[:TAG], digest, short digest, or -)")
        ->required()
        ->type_name("REF");
    cmd->add_option("--depth", flags->depth, "Follow at most this many steps each way")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->callback([&ctx, flags] {
        auto entry = ctx.resolve(flags->ref);
        auto graph = value_or_throw(lineage::build_graph(ctx.store(), entry, flags->depth));
        if (ctx.options.json) {
            ctx.out.json(lineage::to_json(graph));
            return;
        }
        auto text = lineage::render_text(graph);
        if (!text.empty() && text.back() == '\n')
            text.pop_back();
        ctx.out.result(text);
    });
    ctx.document(
        {"lineage",
         "Prints the lineage graph of an artifact: upwards, the data and code it came from (a "
         "run's input datasets and git commit, recursively), and downwards, everything made "
         "from it or attesting it (runs that read a dataset, test reports and validations "
         "whose subject it is, packages, deployments), recursively. Each line names an artifact "
         "by its tag, its kind and status, and the relation in brackets: the lineage annotation "
         "(inputs, run, baseline...), subject, or code. With --json, the graph as nodes and "
         "edges, each edge from a source to what was made from it.",
         {{"mlci lineage iris-classifier:latest", "data and code behind the latest model"},
          {"mlci lineage iris:v1", "every run trained on a dataset version, and on"},
          {"mlci --json lineage RUN", "the graph for a tool"}}});
}

} // namespace mlci::cli
