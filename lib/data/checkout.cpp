// `mlci data-version checkout`: restore a version into the workspace.
//
// Two phases. Planning reads each root's workspace (stat cache, hashing only
// what changed) and decides every write and removal; it refuses before
// anything is touched when a file would be lost, that is, when its content is
// neither what the pointer file records nor a blob in the store. Applying then
// writes each file to a temporary file next to it, copied from its blob and
// re-hashed, and renames it into place: readers see the old file or the new one,
// never a part, and a file hard-linked to a blob by `add --link` is replaced,
// never written into.
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/core/temp_file.hpp>
#include <mlci/data/checkout_plan.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <set>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <utility>

namespace mlci::data {

namespace {

// ---- writing one file ----------------------------------------------------------

// Renames a staged file onto `target`; a folder standing there is the
// user's to move (a usage error), not a failure of the machine.
Status commit_staged(TempFile& staged, const fs::path& target) {
    int err = staged.rename_to(target);
    if (err == 0)
        return {};
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST)
        return usage_error("cannot write '{}': a folder is in the way (move it away, or "
                           "use --clean if it holds only files that are not in the "
                           "version)",
                           target.string());
    return sys_error(err, fmt::format("cannot replace '{}'", target.string()));
}

// Writes `entry` from its blob to a temporary file next to `target`, with its
// mode, and checks that it holds the content its digest names.
Result<TempFile> stage_file(const store::Store& store, const store::FileEntry& entry,
                            const fs::path& target) {
    TempFile tmp(target);
    UniqueFd out(::open(tmp.path().c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.path().string()));
    if (auto written = store::write_content(store, entry, out.get(), target); !written)
        return runtime_error("{}; nothing was checked out", written.error().message);
    if (::fchmod(out.get(), entry.mode & 0777) != 0)
        return sys_error(errno, fmt::format("cannot set the mode of '{}'", target.string()));
    if (::close(out.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", target.string()));
    return tmp;
}

// ---- applying ------------------------------------------------------------------

// Removes `paths` (relative to plan.dest), then the folders they leave empty:
// below the root folder when the version's root is a folder, up to plan.dest
// when it is a file (a folder of that name must go to make room for it).
Status remove_files(const RootPlan& plan, const std::vector<std::string>& paths) {
    std::set<fs::path> folders;
    for (auto& p : paths) {
        auto abs = plan.dest / p;
        if (::unlink(abs.c_str()) != 0 && errno != ENOENT)
            return sys_error(errno, fmt::format("cannot remove '{}'", abs.string()));
        folders.insert(abs.parent_path());
    }
    bool file_root = plan.files.size() == 1 && plan.files[0].path == plan.root.name;
    auto keep = file_root ? plan.dest : plan.dest / plan.root.name;
    // Deepest first, so that a parent is tried after its children went.
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        for (auto dir = *it; !relative_inside(dir, keep).empty(); dir = dir.parent_path())
            if (::rmdir(dir.c_str()) != 0)
                break;
    return {};
}

// The files a plan removes: recorded files the version drops, and with
// --clean the files in neither. Split in two: those standing where the
// version needs a folder must go before folders are made.
std::pair<std::vector<std::string>, std::vector<std::string>> removals_of(const RootPlan& plan,
                                                                          bool clean) {
    std::set<std::string_view> folders;
    for (auto i : plan.writes)
        for (auto dir = fs::path(plan.files[i].path).parent_path(); !dir.empty();
             dir = dir.parent_path())
            if (!folders.insert(std::string_view(plan.files[i].path).substr(0, dir.native().size()))
                     .second)
                break;
    std::pair<std::vector<std::string>, std::vector<std::string>> out;
    auto sort_one = [&](const std::string& p) {
        (folders.contains(p) ? out.first : out.second).push_back(p);
    };
    std::for_each(plan.removals.begin(), plan.removals.end(), sort_one);
    if (clean)
        std::for_each(plan.extras.begin(), plan.extras.end(), sort_one);
    return out;
}

Status make_folders(const RootPlan& plan) {
    std::set<fs::path> folders;
    for (auto i : plan.writes)
        folders.insert((plan.dest / plan.files[i].path).parent_path());
    if (plan.files.empty())
        folders.insert(plan.dest / plan.root.name); // an empty folder is a version too
    for (auto& dir : folders) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            return usage_error("cannot create folder '{}': {} (a file may be in the way: move it "
                               "away, or use --clean if it is not in the version)",
                               dir.string(), ec.message());
    }
    return {};
}

// One file to write, staged next to its target before any is renamed.
struct Write {
    const RootPlan* plan;
    size_t file;
    TempFile staged;
    FileStat stat; // after the rename
    fs::path target() const { return plan->dest / plan->files[file].path; }
    const store::FileEntry& entry() const { return plan->files[file]; }
};

// Writes every file of every plan to a verified temporary file. Until this
// succeeds the workspace has not changed; on failure the temporary files go.
Result<std::vector<Write>> stage_all(const store::Store& store, const std::vector<RootPlan>& plans,
                                     unsigned jobs, const Reporter& reporter) {
    std::vector<Write> writes;
    uint64_t total_bytes = 0;
    for (auto& plan : plans)
        for (auto i : plan.writes) {
            writes.push_back({&plan, i, {}, {}});
            total_bytes += plan.files[i].size;
        }
    std::atomic<uint64_t> done{0}, bytes{0};
    MLCI_TRY(parallel_for(writes.size(), jobs, [&](size_t k) -> Status {
        auto& w = writes[k];
        MLCI_TRY_ASSIGN(staged, stage_file(store, w.entry(), w.target()));
        w.staged = std::move(staged);
        reporter.report(
            {"checking out", ++done, writes.size(), bytes += w.entry().size, total_bytes});
        return {};
    }));
    return writes;
}

Status commit_all(std::vector<Write>& writes, unsigned jobs) {
    return parallel_for(writes.size(), jobs, [&](size_t k) -> Status {
        auto& w = writes[k];
        MLCI_TRY(commit_staged(w.staged, w.target()));
        MLCI_TRY_ASSIGN(st, stat_file(w.target()));
        w.stat = st;
        return {};
    });
}

// Makes the restored files durable in one batch, so that the pointer file
// written next never names data that a crash could lose.
Status sync_filesystem(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd && errno == ENOENT)
        return {}; // nothing was written there
    if (!fd || ::syncfs(fd.get()) != 0)
        return sys_error(errno, fmt::format("cannot sync '{}'", dir.string()));
    return {};
}

Status write_pointer_for(const RootPlan& plan) {
    uint64_t size = 0;
    for (auto& f : plan.files)
        size += f.size;
    Pointer p{plan.root.name, plan.root.file_list, plan.files.size(),
              size,           plan.root.dataset,   plan.root.path + k_pointer_suffix};
    auto current = read_file(plan.pointer_file);
    if (!current || *current != serialize_pointer(p))
        MLCI_TRY(write_pointer(plan.pointer_file, p));
    return ignore_in_git(plan.dest, plan.root.name);
}

std::vector<std::string> shown(const std::string& prefix, const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    out.reserve(paths.size());
    for (auto& p : paths)
        out.push_back(prefix + p);
    return out;
}

RootCheckout summarize(const RootPlan& plan, bool clean, bool force) {
    RootCheckout r;
    r.path = plan.prefix + plan.root.name;
    if (!plan.pointer_file.empty())
        r.pointer = plan.prefix + plan.pointer_file.filename().string();
    r.files = plan.files.size();
    for (auto& f : plan.files)
        r.bytes += f.size;
    r.written = plan.writes.size();
    for (auto i : plan.writes)
        r.written_bytes += plan.files[i].size;
    r.unchanged = plan.unchanged;
    r.removed = shown(plan.prefix, plan.removals);
    (clean ? r.cleaned : r.extra) = shown(plan.prefix, plan.extras);
    if (force)
        r.discarded = plan.lost;
    return r;
}

} // namespace

Result<CheckoutResult> checkout(const store::Store& store, const CheckoutOptions& options,
                                const Reporter& reporter, std::istream& in) {
    auto project = project_root(store, options.cwd);
    MLCI_TRY_ASSIGN(version, resolve_version(store, options.ref, options.cwd, project, in));
    std::optional<fs::path> to;
    if (options.to) {
        to = (options.cwd / *options.to).lexically_normal();
        if (!to->has_filename())
            to = to->parent_path();
    }
    MLCI_TRY_ASSIGN(plans, destinations(version, to, project));
    if (!options.paths.empty())
        MLCI_TRY(select_paths(plans, options, version.label));

    // gc must not delete a blob while it is copied out; two checkouts into one
    // folder would interleave their writes.
    MLCI_TRY_ASSIGN(gc_guard, store.writer_lock());
    std::vector<FileLock> locks;
    std::set<fs::path> locked;
    for (auto& plan : plans)
        if (locked.insert(plan.dest).second) {
            MLCI_TRY_ASSIGN(lock, lock_folder(store, plan.dest));
            locks.push_back(std::move(lock));
        }

    StatCaches caches(store);
    for (auto& plan : plans) {
        MLCI_TRY_ASSIGN(planned, plan_root(store, std::move(plan), version.label, caches,
                                           options.jobs, reporter));
        plan = std::move(planned);
    }
    if (!options.paths.empty())
        MLCI_TRY(check_selected(plans, options, version.label));
    if (!options.force)
        MLCI_TRY(refuse_losses(plans));

    // Folders first (only files that stand in their way go before), then every
    // file staged and verified, then removals, then renames: a corrupt or
    // missing blob stops the checkout before the workspace changes.
    std::vector<std::vector<std::string>> later(plans.size());
    for (size_t i = 0; i < plans.size(); ++i) {
        auto [now, rest] = removals_of(plans[i], options.clean);
        MLCI_TRY(remove_files(plans[i], now));
        MLCI_TRY(make_folders(plans[i]));
        later[i] = std::move(rest);
    }
    MLCI_TRY_ASSIGN(writes, stage_all(store, plans, options.jobs, reporter));
    for (size_t i = 0; i < plans.size(); ++i)
        MLCI_TRY(remove_files(plans[i], later[i]));
    MLCI_TRY(commit_all(writes, options.jobs));
    for (auto& w : writes)
        caches.changing(w.plan->dest).record(w.entry().path, w.stat, w.entry().digest);

    CheckoutResult result{version.label, version.manifest, {}};
    bool touched = !writes.empty();
    for (auto& plan : plans) {
        touched = touched || !plan.removals.empty() || (options.clean && !plan.extras.empty());
        result.roots.push_back(summarize(plan, options.clean, options.force));
    }
    if (touched)
        for (auto& dest : locked)
            MLCI_TRY(sync_filesystem(dest));
    for (auto& plan : plans)
        if (!plan.pointer_file.empty() && !plan.in_part)
            MLCI_TRY(write_pointer_for(plan));
    caches.save(reporter);
    return result;
}

} // namespace mlci::data
