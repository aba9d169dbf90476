// What every subcommand shares: the global flags, the store, and output.
#pragma once

#include "output.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::cli {

struct GlobalOptions {
    std::string store_dir; // --store / $MLCI_STORE
    bool json = false;
    bool quiet = false;
    int verbose = 0;
};

// The text of a man page beyond the flags: CLI11 holds the flags, this holds
// the prose, so `mlci help STEP`, man pages and completions share one source.
struct CommandDoc {
    std::string name;        // "data-version"
    std::string description; // paragraphs separated by blank lines
    std::vector<std::pair<std::string, std::string>> examples; // command, what it does
};

class Context {
public:
    GlobalOptions options;
    Output out;
    // The exit code the command chose (a gate may fail without an error).
    Exit exit = Exit::ok;
    // The words of the command line as given: CLI11 does not say which
    // positionals came after '--', and `test -- CMD` needs to know.
    std::vector<std::string> args;
    // How many words follow the first '--' (0 when there is none).
    size_t words_after_separator() const;

    // The store found from --store, $MLCI_STORE or the working directory.
    store::Store& store();
    // Resolves a reference in the store ("-" reads standard input).
    store::IndexEntry resolve(const std::string& ref);

    // --tag, the same form everywhere: NAME:TAG tags exactly (the command
    // passes those to lib), NAME alone the next NAME:vN and NAME:latest.
    // exact_tags() picks the former; tag_versions() applies the latter to
    // `d` and returns the reference to print: the first tag as applied, else
    // the digest.
    static std::vector<std::string> exact_tags(const std::vector<std::string>& tags);
    std::string tag_versions(const store::Descriptor& d, const std::vector<std::string>& tags);
    // Before the work: the NAMEs of `tags` are free for an artifact of `type`.
    void check_tag_kinds(const std::vector<std::string>& tags, std::string_view type);

    std::vector<CommandDoc> docs;
    void document(CommandDoc doc) { docs.push_back(std::move(doc)); }

private:
    std::optional<store::Store> m_store;
};

// How a new artifact is named to a person: "TAG (sha256:0123456789ab)" when
// it was tagged, else its whole digest, so that the line has both a name
// to use and the digest that pins it.
inline std::string artifact_label(const std::vector<std::string>& tags, const hash::Digest& d) {
    return tags.empty() ? d.str() : fmt::format("{} (sha256:{})", tags.front(), d.short_hex());
}

// Each subcommand registers itself on the app with one of these.
void register_init(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_verify(CLI::App& app, Context& ctx);
void register_gc(CLI::App& app, Context& ctx);
// untag and rm: removing tags (tags.cpp)
void register_untag(CLI::App& app, Context& ctx);
void register_rm(CLI::App& app, Context& ctx);
// status: the whole project at a glance
void register_project_status(CLI::App& app, Context& ctx);
void register_data_version(CLI::App& app, Context& ctx);
void register_test(CLI::App& app, Context& ctx);
void register_train(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_package(CLI::App& app, Context& ctx);
void register_deploy(CLI::App& app, Context& ctx);
// watch: production monitoring of a deployed model's events
void register_watch(CLI::App& app, Context& ctx);
// report: a Markdown/HTML page for a merge request
void register_report(CLI::App& app, Context& ctx);
// sign, verify-signature, key generate: artifact signatures (sign.cpp)
void register_signing(CLI::App& app, Context& ctx);
// log, metrics diff, lineage: reading runs and the graph between artifacts
void register_log(CLI::App& app, Context& ctx);
void register_lineage(CLI::App& app, Context& ctx);
// push, pull, login (and logout): moving artifacts through OCI registries
void register_push(CLI::App& app, Context& ctx);
void register_pull(CLI::App& app, Context& ctx);
void register_login(CLI::App& app, Context& ctx);
// remote add, list, remove, default: named destinations for push and pull
void register_remote(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);
// __complete refs: the words completion scripts ask for (hidden)
void register_complete(CLI::App& app, Context& ctx);
void register_help(CLI::App& app, Context& ctx);

// Builds the whole command tree (used by main and by the doc generators).
void build_app(CLI::App& app, Context& ctx);
// Puts each command's description and examples under its --help (help.cpp).
void attach_docs(CLI::App& app, const Context& ctx);

} // namespace mlci::cli
