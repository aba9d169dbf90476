// mlci data-version: add, log, list (status, checkout and diff are in
// data_version_workspace.cpp).
#include "context.hpp"

#include <filesystem>
#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/dataset_json.hpp>

namespace mlci::cli {

void register_data_version_workspace(CLI::App& parent, Context& ctx);

namespace {

void register_version_add(CLI::App& parent, Context& ctx) {
    struct Options {
        std::vector<std::string> paths;
        std::string name, message;
        bool link = false;
        unsigned jobs = default_jobs();
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = parent.add_subcommand("add", "Version files or folders as a new dataset version");
    cmd->add_option("paths", opts->paths, "Files or folders to version")
        ->required()
        ->type_name("PATH");
    cmd->add_option("-n,--name", opts->name, "Dataset name (default: the first path's name)");
    cmd->add_option("-m,--message", opts->message, "A message recorded with the version");
    cmd->add_flag("--link", opts->link,
                  "Do not copy: reflink into the store, else hard-link and make the files "
                  "read-only; copies instead (with a note) as root, across file systems and "
                  "for files not yours");
    cmd->add_option("-j,--jobs", opts->jobs, "Hash this many files at once (default: all cores)");
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        data::AddOptions o;
        for (auto& p : opts->paths)
            o.paths.emplace_back(p);
        o.cwd = std::filesystem::current_path();
        o.name = opts->name;
        o.message = opts->message;
        o.mode = opts->link ? data::IngestMode::link : data::IngestMode::copy;
        o.jobs = std::max(1u, opts->jobs);
        auto r = value_or_throw(data::add_dataset(store, o, ctx.out.reporter()));
        ctx.out.end_progress();
        if (r.unchanged)
            ctx.out.note(fmt::format("unchanged: same content as {}", r.reference));
        else
            ctx.out.note(fmt::format("added {}: {}, {} ({} new, {})", r.reference,
                                     plural(r.files, "file"), human_bytes(r.bytes), r.new_files,
                                     human_bytes(r.new_bytes)));
        if (ctx.options.json)
            ctx.out.json(data::to_json(r));
        else
            ctx.out.result(r.reference);
    });
}

void register_version_log(CLI::App& parent, Context& ctx) {
    auto name = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("log", "Show the versions of a dataset, newest first");
    cmd->add_option("name", *name, "The dataset (default: every dataset)")->type_name("NAME");
    cmd->callback([&ctx, name] {
        auto versions = value_or_throw(data::dataset_versions(ctx.store(), *name));
        if (ctx.options.json) {
            ctx.out.json(data::to_json(versions));
            return;
        }
        for (auto& v : versions)
            ctx.out.result(fmt::format(
                "{:<24} {}  {}  {:>13} {:>10}  {}{}", v.tag, v.manifest.digest.short_hex(),
                v.created, plural(v.files, "file"), human_bytes(v.size),
                v.commit.empty() ? "" : "git " + v.commit.substr(0, 8) + "  ", v.message));
    });
}

void register_version_list(CLI::App& parent, Context& ctx) {
    auto* cmd = parent.add_subcommand("list", "List datasets with their latest version");
    cmd->callback([&ctx] {
        auto datasets = value_or_throw(data::list_datasets(ctx.store()));
        if (ctx.options.json) {
            ctx.out.json(data::to_json(datasets));
            return;
        }
        for (auto& d : datasets)
            ctx.out.result(fmt::format("{:<20} {:<24} {:>12} {:>13} {:>10}  {}", d.name,
                                       d.latest.tag, plural(d.versions, "version"),
                                       plural(d.latest.files, "file"), human_bytes(d.latest.size),
                                       d.latest.created));
    });
}

} // namespace

void register_data_version(CLI::App& app, Context& ctx) {
    auto* dv = app.add_subcommand("data-version",
                                  "Version datasets: add, status, checkout, diff, log, list");
    dv->group("Pipeline");
    dv->require_subcommand(1);
    register_version_add(*dv, ctx);
    register_data_version_workspace(*dv, ctx);
    register_version_log(*dv, ctx);
    register_version_list(*dv, ctx);
    ctx.document(
        {"data-version",
         "Versions data the way git versions code, without putting the data in git. 'add' hashes "
         "files and folders with sha256 on all cores, storing each file's content once in the "
         "store as it reads it, and records a dataset artifact tagged NAME:vN (NAME:latest "
         "follows) with the git commit of the workspace and a column profile of every CSV file. "
         "It writes a small pointer file PATH.mlci to commit in git and adds PATH to .gitignore. "
         "Adding unchanged content makes no new version, also when several adds of it run at "
         "once.\n\nA file of 1 MiB or more is stored in chunks cut where its content says, "
         "in packs of about 32 MiB: a new version that changes or inserts a few bytes stores, "
         "pushes and pulls only the chunks around the edit, and the file's sha256 is kept whole "
         "for pointer files and status. Smaller files are one blob each.\n\nA CSV file that cannot "
         "be profiled (empty, ragged, a column named twice, a "
         "quote never closed) is versioned all the same, with a warning. A profile holds at most "
         "1,000 columns and 1 MiB (the other columns are counted, not profiled) and keeps at most "
         "256 bytes of any text.\n\n--link shares the files' storage with the store instead of "
         "copying them: a reflink where the file system has them (btrfs, XFS), else a hard link "
         "with the file made read-only. Root ignores the read-only bit, so a hard link would let "
         "root (most CI containers) change the stored version by editing the file: as root, and "
         "for a store on another file system or a file you do not own, --link copies instead and "
         "says so once. Files added with --link stay whole (no chunks). A failed add leaves your "
         "files as they were.\n\n'status' reports added, "
         "modified and "
         "deleted files against the version a pointer file records, reading only files whose "
         "size, inode, mtime or ctime changed (a stat cache). 'checkout' restores a version, each "
         "file written atomically and verified, and refuses to overwrite changes that are not in "
         "the store unless --force; files of the version being replaced are removed (their content "
         "is in the store), other files are reported and removed only with --clean. 'checkout "
         "REF PATH...' restores only those files or folders (globs allowed) and leaves the "
         "pointer file and every other file as they are, like 'git checkout REF -- PATH'; when "
         "the store lacks their data (a version pulled with 'mlci pull --path'), checkout fetches "
         "just those files from the default remote, and without one fails with exit 3 and the "
         "'mlci pull ... --path' that fetches them. 'diff' "
         "compares two versions, or one version and the "
         "workspace; 'log' and 'list' show the history.",
         {{"mlci data-version add data/iris.csv -m 'first export'", "version a file as iris:v1"},
          {"mlci data-version add data/images --name images --link",
           "version a folder without copying it"},
          {"mlci data-version status", "what changed since the versions the pointer files record"},
          {"mlci data-version checkout iris:v1", "restore an earlier version"},
          {"mlci data-version checkout images:v2 images/val", "restore one folder of a version"},
          {"mlci data-version diff iris:v1 iris:v2", "files and bytes that changed"},
          {"mlci data-version log iris", "the history of iris"}}});
}

} // namespace mlci::cli
