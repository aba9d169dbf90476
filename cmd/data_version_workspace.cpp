// mlci data-version status, checkout, diff: comparing and restoring the workspace.
#include "remotes.hpp"

#include <filesystem>
#include <fmt/ranges.h>
#include <iostream>
#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/fetch_version.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/data/workspace_json.hpp>

namespace mlci::cli {

namespace {

// Lists longer than this are cut short on stderr (--json has them all).
constexpr size_t k_notes_max = 20;

// "3 files changed: 1 added (+4 B), 1 modified (+8 B), 1 deleted (-8 B)"
std::string totals_line(const data::ChangeTotals& t) {
    if (t.files() == 0)
        return "no changes";
    std::vector<std::string> parts;
    if (t.added)
        parts.push_back(fmt::format("{} added (+{})", t.added, human_bytes(t.added_bytes)));
    if (t.modified)
        parts.push_back(
            fmt::format("{} modified ({})", t.modified, signed_bytes(t.modified_delta)));
    if (t.deleted)
        parts.push_back(fmt::format("{} deleted (-{})", t.deleted, human_bytes(t.deleted_bytes)));
    return fmt::format("{} changed: {}", plural(t.files(), "file"), fmt::join(parts, ", "));
}

// Notes one line per path, at most k_notes_max of them.
void note_paths(Output& out, const std::vector<std::string>& paths, const std::string& format) {
    for (size_t i = 0; i < paths.size() && i < k_notes_max; ++i)
        out.note(fmt::format(fmt::runtime(format), paths[i]));
    if (paths.size() > k_notes_max)
        out.note(fmt::format("  ... and {} more", paths.size() - k_notes_max));
}

void print_status(Context& ctx, const data::StatusReport& report) {
    if (ctx.options.json) {
        ctx.out.json(data::to_json(report));
        return;
    }
    for (auto& r : report.roots)
        for (auto& c : r.changes)
            ctx.out.result(fmt::format("{:<9} {}", data::to_string(c.change), c.path));
    if (report.roots.empty())
        ctx.out.note("nothing is versioned here (no pointer files)");
    for (auto& r : report.roots) {
        auto since = fmt::format("{} {}", r.pointer.dataset, r.pointer.tree.short_hex());
        if (r.changes.empty())
            ctx.out.note(
                fmt::format("{}: clean (as {} records: {})", r.path, r.pointer_path, since));
        else
            ctx.out.note(fmt::format("{}: {} since {} ({})", r.path,
                                     totals_line(data::totals_of(r.changes)), r.pointer_path,
                                     since));
    }
}

void register_status(CLI::App& parent, Context& ctx) {
    struct Options {
        std::vector<std::string> paths;
        unsigned jobs = default_jobs();
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = parent.add_subcommand(
        "status", "Show files added, modified or deleted since the version a pointer file records");
    cmd->add_option("paths", opts->paths,
                    "Versioned paths, pointer files or folders to look in (default: the "
                    "current folder)")
        ->type_name("PATH");
    cmd->add_option("-j,--jobs", opts->jobs, "Read this many files at once (default: all cores)");
    cmd->callback([&ctx, opts] {
        data::StatusOptions o;
        for (auto& p : opts->paths)
            o.paths.emplace_back(p);
        o.cwd = std::filesystem::current_path();
        o.jobs = std::max(1u, opts->jobs);
        auto report = value_or_throw(data::workspace_status(ctx.store(), o, ctx.out.reporter()));
        ctx.out.end_progress();
        print_status(ctx, report);
        if (!report.clean())
            ctx.exit = Exit::gate;
    });
}

void note_checkout(Output& out, const data::CheckoutResult& r) {
    for (auto& root : r.roots) {
        auto removed = root.removed.size() + root.cleaned.size();
        if (root.written == 0 && removed == 0)
            out.note(fmt::format("{}: up to date ({})", root.path, plural(root.files, "file")));
        else
            out.note(fmt::format("{}: {} of {} written ({}), {} unchanged, {} removed", root.path,
                                 root.written, plural(root.files, "file"),
                                 human_bytes(root.written_bytes), root.unchanged, removed));
        if (!root.extra.empty())
            out.note(fmt::format("{} file{} not in {} kept (use --clean to remove them):",
                                 root.extra.size(), root.extra.size() == 1 ? "" : "s", r.label));
        note_paths(out, root.extra, "  extra: {}");
        note_paths(out, root.cleaned, "  removed (not in the version): {}");
        for (auto& p : root.discarded)
            out.warn(fmt::format("discarded changes to '{}' (--force)", p));
    }
}

// A version whose data the store lacks comes from the default remote first
// (a fresh clone checking out a pointer file); without one, checkout says
// what is missing and how to add a remote.
void fetch_missing(Context& ctx, const data::CheckoutOptions& checkout) {
    auto& store = ctx.store();
    auto missing = value_or_throw(
        data::missing_for_checkout(store, checkout.ref, checkout.cwd, checkout.paths, checkout.to));
    if (!missing)
        return;
    auto remotes = load_remotes(ctx);
    auto* remote = remotes.default_remote();
    if (!remote)
        return;
    registry::PullOptions o;
    value_or_throw(data::pull_missing_version(store, *remote, *missing, o, ctx.out.reporter()));
    ctx.out.end_progress();
}

void register_checkout(CLI::App& parent, Context& ctx) {
    struct Options {
        std::string ref, to;
        std::vector<std::string> paths;
        bool clean = false, force = false;
        unsigned jobs = default_jobs();
    };
    auto opts = std::make_shared<Options>();
    auto* cmd =
        parent.add_subcommand("checkout", "Restore a version of a dataset into the workspace");
    cmd->add_option("ref", opts->ref,
                    "The version (NAME[:TAG], digest, short digest, -) or a pointer file")
        ->required()
        ->type_name("REF");
    cmd->add_option("paths", opts->paths,
                    "Restore only these files or folders (globs allowed); the pointer file keeps "
                    "its version")
        ->type_name("PATH");
    cmd->add_option("--to", opts->to,
                    "Restore under this folder instead of the project (no pointer files)")
        ->type_name("DIR");
    cmd->add_flag("--clean", opts->clean,
                  "Also remove files in neither this version nor the one the pointer records");
    cmd->add_flag("-f,--force", opts->force,
                  "Overwrite or remove modified files even when the store lacks their content");
    cmd->add_option("-j,--jobs", opts->jobs, "Write this many files at once (default: all cores)");
    cmd->callback([&ctx, opts] {
        data::CheckoutOptions o;
        // Read once: the remote check and the checkout both need it.
        o.ref = opts->ref == "-" ? value_or_throw(store::read_reference(std::cin)) : opts->ref;
        o.cwd = std::filesystem::current_path();
        o.paths = opts->paths;
        if (!opts->to.empty())
            o.to = opts->to;
        fetch_missing(ctx, o);
        o.clean = opts->clean;
        o.force = opts->force;
        o.jobs = std::max(1u, opts->jobs);
        auto r = value_or_throw(data::checkout(ctx.store(), o, ctx.out.reporter(), std::cin));
        ctx.out.end_progress();
        note_checkout(ctx.out, r);
        if (ctx.options.json)
            ctx.out.json(data::to_json(r));
        else
            ctx.out.result(r.label);
    });
}

std::string size_column(const data::FileChange& c) {
    switch (c.change) {
    case data::Change::added:
        return "+" + human_bytes(c.new_size);
    case data::Change::deleted:
        return "-" + human_bytes(c.old_size);
    case data::Change::modified:
        return size_change(c.old_size, c.new_size);
    }
    return {};
}

void print_diff(Context& ctx, const data::DiffReport& report) {
    if (ctx.options.json) {
        ctx.out.json(data::to_json(report));
        return;
    }
    for (auto& c : report.changes)
        ctx.out.result(
            fmt::format("{:<9} {:>24}  {}", data::to_string(c.change), size_column(c), c.path));
    ctx.out.result(fmt::format("{} -> {}: {}", report.from_label, report.to_label,
                               totals_line(data::totals_of(report.changes))));
}

void register_diff(CLI::App& parent, Context& ctx) {
    struct Options {
        std::string from, to;
        bool exit_code = false;
        unsigned jobs = default_jobs();
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = parent.add_subcommand(
        "diff", "Show files and bytes that changed between two versions, or a version and the "
                "workspace");
    cmd->add_option("from", opts->from, "The older version (a reference or a pointer file)")
        ->required()
        ->type_name("REF");
    cmd->add_option("to", opts->to, "The newer version (default: the workspace)")->type_name("REF");
    cmd->add_flag("--exit-code", opts->exit_code, "Exit with 1 when anything changed");
    cmd->add_option("-j,--jobs", opts->jobs, "Read this many files at once (default: all cores)");
    cmd->callback([&ctx, opts] {
        data::DiffOptions o;
        o.from = opts->from;
        o.to = opts->to;
        o.cwd = std::filesystem::current_path();
        o.jobs = std::max(1u, opts->jobs);
        auto report =
            value_or_throw(data::diff_versions(ctx.store(), o, ctx.out.reporter(), std::cin));
        ctx.out.end_progress();
        print_diff(ctx, report);
        if (opts->exit_code && !report.changes.empty())
            ctx.exit = Exit::gate;
    });
}

} // namespace

void register_data_version_workspace(CLI::App& parent, Context& ctx) {
    register_status(parent, ctx);
    register_checkout(parent, ctx);
    register_diff(parent, ctx);
}

} // namespace mlci::cli
