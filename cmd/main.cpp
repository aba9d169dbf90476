// The mlci binary: builds the command tree, dispatches, and is the one place
// that turns an error into "mlci: error: ..." and an exit code.
#include "ci_section.hpp"
#include "cli_tree.hpp"
#include "context.hpp"
#include "dispatch.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fmt/ranges.h>
#include <iostream>
#include <mlci/core/utf8.hpp>
#include <nlohmann/json.hpp>

namespace mlci::cli {

namespace {

// A repeatable option (-o, -p, -i, --grid, --tag, ...) takes one value each
// time it is given. Left to CLI11, it would take every word up to the next
// flag and then swallow a '--' after them, so that in `train -o model.pkl --
// python3 -u train.py` the command's own -u was read as mlci's flag (and
// `test --suite unit REF` took REF for a second suite).
void one_value_per_flag(CLI::App& app) {
    for (auto* opt : app.get_options())
        if (opt->nonpositional())
            opt->allow_extra_args(false);
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        one_value_per_flag(*sub);
}

std::string parse_error_message(CLI::App& app, const std::vector<std::string>& args,
                                const CLI::ParseError& e) {
    // The command being parsed: the deepest subcommand seen so far.
    CLI::App* cmd = &app;
    while (!cmd->get_subcommands().empty())
        cmd = cmd->get_subcommands().front();
    auto help = fmt::format("see '{} --help'", command_path(cmd));
    // A group (data-version, deploy, key...) given a word that is none of
    // its commands: name the word, not CLI11's "arguments were not expected".
    // A group that also takes positionals (deploy REF) reads the word as one:
    // only a word that CLI11 did not take is named.
    std::string what = e.what();
    auto names = subcommand_names(*cmd);
    bool positionals =
        !cmd->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    if (cmd != &app && !names.empty()) {
        auto it = std::find(args.begin(), args.end(), cmd->get_name());
        if (it != args.end() && std::next(it) != args.end() && !std::next(it)->starts_with("-") &&
            std::find(names.begin(), names.end(), *std::next(it)) == names.end() &&
            (!positionals || what.find(*std::next(it)) != std::string::npos)) {
            auto& word = *std::next(it);
            auto best = close_name(word, names);
            return fmt::format("'{}' is not a '{}' command (it has: {}){}", word, command_path(cmd),
                               fmt::join(names, ", "),
                               best.empty() ? "; " + help
                                            : fmt::format("; did you mean '{}'?", best));
        }
    }
    if (!what.empty())
        what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    return fmt::format("{} ({})", what, help);
}

} // namespace

void build_app(CLI::App& app, Context& ctx) {
    app.name("mlci");
    app.description("CI/CD for machine learning: version data, test, train, validate, package, "
                    "push, deploy and watch models, with content-addressed artifacts.");
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", "mlci " MLCI_VERSION, "Print the version and exit");
    app.add_option("--store", ctx.options.store_dir,
                   "The store, or the project folder holding it as .mlci (default: "
                   "$MLCI_STORE, else the nearest .mlci above)")
        ->envname("MLCI_STORE")
        ->type_name("DIR");
    app.add_flag("--json", ctx.options.json, "Print the result as one JSON document on stdout");
    app.add_flag("-q,--quiet", ctx.options.quiet, "Print only results, no notes or progress");
    app.add_flag("-v,--verbose", ctx.options.verbose, "Print more detail on stderr");
    // Runs after every flag is parsed and before any command's callback.
    app.parse_complete_callback(
        [&ctx] { ctx.out.configure(ctx.options.quiet, ctx.options.verbose); });

    register_init(app, ctx);
    register_data_version(app, ctx);
    register_test(app, ctx);
    register_train(app, ctx);
    register_validate(app, ctx);
    register_package(app, ctx);
    register_deploy(app, ctx);
    register_watch(app, ctx);
    register_report(app, ctx);
    register_signing(app, ctx);
    register_log(app, ctx);
    register_lineage(app, ctx);
    register_project_status(app, ctx);
    register_push(app, ctx);
    register_pull(app, ctx);
    register_login(app, ctx);
    register_remote(app, ctx);
    register_show(app, ctx);
    register_verify(app, ctx);
    register_gc(app, ctx);
    register_untag(app, ctx);
    register_rm(app, ctx);
    register_completion(app, ctx);
    register_complete(app, ctx);
    register_help(app, ctx);
    one_value_per_flag(app);
    attach_docs(app, ctx);
}

} // namespace mlci::cli

namespace {

int run(int argc, char** argv) {
    using namespace mlci;
    using namespace mlci::cli;
    // Fast path: scripts call --version to probe for the binary.
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::puts("mlci " MLCI_VERSION);
        return 0;
    }
    // Arguments end up in JSON records (messages, params, commands, paths),
    // which hold UTF-8 only: refuse one that is not, by position and name.
    for (int i = 1; i < argc; ++i)
        if (find_invalid_utf8(argv[i]) != std::string_view::npos) {
            fmt::print(stderr,
                       "mlci: error: argument {} '{}' is not valid UTF-8 (shown with U+FFFD); "
                       "mlci records its arguments as UTF-8 text\n",
                       i, valid_utf8(argv[i]));
            return static_cast<int>(Exit::usage);
        }
    Context ctx;
    ctx.args.assign(argv, argv + argc);
    CLI::App app;
    build_app(app, ctx);
    if (auto external = dispatch_external(app, argc, argv))
        return *external;
    CiSection section(argc, argv);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mlci: error: {}\n", parse_error_message(app, ctx.args, e));
        return static_cast<int>(Exit::usage);
    }
    std::fflush(stdout);
    if (std::ferror(stdout)) {
        fmt::print(stderr, "mlci: error: cannot write to standard output\n");
        return static_cast<int>(Exit::runtime);
    }
    return static_cast<int>(ctx.exit);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const mlci::Failure& f) {
        std::fflush(stdout);
        fmt::print(stderr, "mlci: error: {}\n", f.error.message);
        return static_cast<int>(f.error.code);
    } catch (const nlohmann::json::type_error& e) {
        // 316: text that is not UTF-8 reached a JSON record. Inputs are
        // checked where they enter; this names the problem if one slips by.
        std::fflush(stdout);
        if (e.id == 316) {
            fmt::print(stderr, "mlci: error: text that is not valid UTF-8 cannot be recorded "
                               "(a file name, message or value: use UTF-8)\n");
            return static_cast<int>(mlci::Exit::usage);
        }
        fmt::print(stderr, "mlci: error: {}\n", e.what());
        return static_cast<int>(mlci::Exit::runtime);
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "mlci: error: out of memory\n");
        return static_cast<int>(mlci::Exit::runtime);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mlci: error: {}\n", e.what());
        return static_cast<int>(mlci::Exit::runtime);
    }
}
