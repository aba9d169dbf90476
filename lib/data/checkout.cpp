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

using EntryIndex = std::unordered_map<std::string_view, const store::FileEntry*>;

EntryIndex index_by_path(const std::vector<store::FileEntry>& files) {
    EntryIndex out;
    out.reserve(files.size());
    for (auto& f : files)
        out.emplace(f.path, &f);
    return out;
}

bool same_exec_bits(uint32_t a, uint32_t b) {
    return (a & 0111) == (b & 0111);
}

// Everything checkout will do to one root, decided before anything is written.
struct Plan {
    VersionRoot root;
    fs::path dest;                       // the folder the root goes in
    std::string prefix;                  // how paths under `dest` are shown
    fs::path pointer_file;               // rewritten at the end; empty with --to
    std::vector<store::FileEntry> files; // the version's
    std::vector<size_t> writes;          // indexes into `files`
    std::vector<std::string> removals;   // relative to `dest`: recorded, not in the version
    std::vector<std::string> extras;     // relative to `dest`: in neither version
    std::vector<std::string> lost;       // shown paths of changes the store does not have
    uint64_t unchanged = 0;
    // With checkout PATH...: the globs over `files` paths that select what is
    // restored (store/partial.hpp); nothing else is written or removed.
    std::vector<std::string> selected;
    std::vector<size_t> selected_by; // the PATH argument each glob came from
    bool in_part = false;
};

// ---- writing one file ----------------------------------------------------------

// A temporary file next to its target, removed unless it was renamed into place.
class TempFile {
public:
    TempFile() = default;
    explicit TempFile(const fs::path& target) : m_path(temp_path_for(target)) {}
    TempFile(TempFile&& o) noexcept : m_path(std::exchange(o.m_path, {})) {}
    TempFile& operator=(TempFile&& o) noexcept {
        discard();
        m_path = std::exchange(o.m_path, {});
        return *this;
    }
    ~TempFile() { discard(); }
    const fs::path& path() const { return m_path; }
    // Renames the file to `target`, which it replaces; no longer ours to remove.
    Status commit(const fs::path& target) {
        if (::rename(m_path.c_str(), target.c_str()) != 0) {
            if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST)
                return usage_error("cannot write '{}': a folder is in the way (move it away, or "
                                   "use --clean if it holds only files that are not in the "
                                   "version)",
                                   target.string());
            return sys_error(errno, fmt::format("cannot replace '{}'", target.string()));
        }
        m_path.clear();
        return {};
    }

private:
    void discard() {
        if (!m_path.empty())
            ::unlink(m_path.c_str());
        m_path.clear();
    }
    fs::path m_path;
};

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

// ---- planning ------------------------------------------------------------------

// The files of the version that `pointer_file` records; none without a pointer
// file, or when the store lacks its list (then only content in the store counts
// as safe to replace).
Result<std::vector<store::FileEntry>>
recorded_files(const store::Store& store, const fs::path& pointer_file, const Reporter& reporter) {
    std::error_code ec;
    if (pointer_file.empty() || !fs::exists(pointer_file, ec))
        return std::vector<store::FileEntry>{};
    MLCI_TRY_ASSIGN(pointer, read_pointer(pointer_file));
    if (!store.has_blob(pointer.tree)) {
        reporter.say(fmt::format("note: the version that '{}' records is not in the store; "
                                 "only files whose content the store has will be replaced",
                                 pointer_file.string()));
        return std::vector<store::FileEntry>{};
    }
    return load_files(store,
                      store::Descriptor{store::k_media_file_list, pointer.tree, 0, {}, {}, {}});
}

// The store has the data of every file to write; else nothing is written,
// and the message names the pull that brings the data (exit 3).
Status check_blobs(const store::Store& store, const Plan& plan, const std::string& label) {
    std::vector<const store::FileEntry*> missing;
    for (auto i : plan.writes)
        if (!store::has_content(store, plan.files[i]))
            missing.push_back(&plan.files[i]);
    if (missing.empty())
        return {};
    auto& first = missing.front()->path;
    if (store::is_partial(store, plan.root.file_list))
        return runtime_error(
            "the store lacks the data of {} of the {} files to write (first '{}{}'): version "
            "'{}' was pulled in part; fetch it with 'mlci pull {} --path {}' (add '--remote "
            "NAME' or give HOST/REPO:TAG when there is no default remote), or pull the whole "
            "version without --path",
            missing.size(), plan.writes.size(), plan.prefix, first, label, label, first);
    return runtime_error(
        "version '{}' is incomplete in this store: {} of the {} files to write "
        "have no blob (first '{}{}'); pull it again with 'mlci pull' (with a default remote, "
        "'mlci remote add origin HOST/REPO -d', checkout pulls it), or run 'mlci verify'",
        label, missing.size(), plan.writes.size(), plan.prefix, first);
}

Status check_outside_store(const store::Store& store, const fs::path& root_path) {
    if (root_path == store.root() || !relative_inside(root_path, store.root()).empty() ||
        !relative_inside(store.root(), root_path).empty())
        return usage_error("cannot check out into '{}': it overlaps the store '{}'",
                           root_path.string(), store.root().string());
    return {};
}

Result<Plan> plan_root(const store::Store& store, Plan plan, const std::string& label,
                       StatCaches& caches, unsigned jobs, const Reporter& reporter) {
    MLCI_TRY(check_outside_store(store, plan.dest / plan.root.name));
    MLCI_TRY_ASSIGN(files, load_root_files(store, plan.root));
    plan.files = std::move(files);
    MLCI_TRY_ASSIGN(recorded, recorded_files(store, plan.pointer_file, reporter));
    MLCI_TRY_ASSIGN(workspace, scan_workspace(plan.dest, plan.root.name, jobs));

    auto wanted_by = index_by_path(plan.files);
    auto recorded_by = index_by_path(recorded);
    MLCI_TRY(digest_files(
        workspace, plan.dest, caches,
        [&](size_t i) {
            return wanted_by.contains(workspace[i].path) || recorded_by.contains(workspace[i].path);
        },
        jobs, reporter));

    // A workspace file may go only when nothing is lost: it holds what the
    // pointer file records, or content the store has anyway.
    auto recoverable = [&](const WorkspaceFile& f) {
        auto r = recorded_by.find(f.path);
        return (r != recorded_by.end() && r->second->digest == f.digest) ||
               store::has_content(store, f.digest);
    };
    std::unordered_map<std::string_view, const WorkspaceFile*> present;
    present.reserve(workspace.size());
    for (auto& f : workspace)
        present.emplace(f.path, &f);

    for (size_t i = 0; i < plan.files.size(); ++i) {
        auto& want = plan.files[i];
        if (plan.in_part &&
            (plan.selected.empty() || !store::path_selected(want.path, plan.selected)))
            continue;
        auto it = present.find(want.path);
        if (it == present.end()) {
            plan.writes.push_back(i);
            continue;
        }
        auto& have = *it->second;
        if (have.digest == want.digest && same_exec_bits(have.stat.mode, want.mode)) {
            ++plan.unchanged;
            continue;
        }
        if (!recoverable(have))
            plan.lost.push_back(plan.prefix + have.path);
        plan.writes.push_back(i);
    }
    for (auto& have : workspace) {
        if (plan.in_part || wanted_by.contains(have.path))
            continue;
        if (!recorded_by.contains(have.path)) {
            plan.extras.push_back(have.path);
            continue;
        }
        if (!recoverable(have))
            plan.lost.push_back(plan.prefix + have.path);
        plan.removals.push_back(have.path);
    }
    MLCI_TRY(check_blobs(store, plan, label));
    return plan;
}

// ---- applying ------------------------------------------------------------------

// Removes `paths` (relative to plan.dest), then the folders they leave empty:
// below the root folder when the version's root is a folder, up to plan.dest
// when it is a file (a folder of that name must go to make room for it).
Status remove_files(const Plan& plan, const std::vector<std::string>& paths) {
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
std::pair<std::vector<std::string>, std::vector<std::string>> removals_of(const Plan& plan,
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

Status make_folders(const Plan& plan) {
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
    const Plan* plan;
    size_t file;
    TempFile staged;
    FileStat stat; // after the rename
    fs::path target() const { return plan->dest / plan->files[file].path; }
    const store::FileEntry& entry() const { return plan->files[file]; }
};

// Writes every file of every plan to a verified temporary file. Until this
// succeeds the workspace has not changed; on failure the temporary files go.
Result<std::vector<Write>> stage_all(const store::Store& store, const std::vector<Plan>& plans,
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
        MLCI_TRY(w.staged.commit(w.target()));
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

Status write_pointer_for(const Plan& plan) {
    uint64_t size = 0;
    for (auto& f : plan.files)
        size += f.size;
    Pointer p{plan.root.name, plan.root.file_list, plan.files.size(), size, plan.root.dataset};
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

RootCheckout summarize(const Plan& plan, bool clean, bool force) {
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

Status refuse_losses(const std::vector<Plan>& plans) {
    std::vector<std::string> lost;
    for (auto& p : plans)
        lost.insert(lost.end(), p.lost.begin(), p.lost.end());
    if (lost.empty())
        return {};
    std::string list;
    for (size_t i = 0; i < lost.size() && i < 10; ++i)
        list += fmt::format("{}'{}'", i ? ", " : "", lost[i]);
    if (lost.size() > 10)
        list += fmt::format(" and {} more", lost.size() - 10);
    return usage_error("checkout would lose changes to {} file{} that the store does not have: {} "
                       "(version them with 'mlci data-version add', or use --force to discard "
                       "them)",
                       lost.size(), lost.size() == 1 ? "" : "s", list);
}

// The first plan of each root, with where it goes; no two roots may land on one path.
Result<std::vector<Plan>> destinations(const ResolvedVersion& version,
                                       const std::optional<fs::path>& to, const fs::path& project) {
    std::vector<Plan> plans;
    std::set<fs::path> seen;
    for (auto& root : version.roots) {
        Plan plan;
        plan.root = root;
        plan.dest = to ? *to : root.base;
        plan.prefix = path_prefix(plan.dest, project);
        if (!to)
            plan.pointer_file = plan.dest / (root.name + k_pointer_suffix);
        if (!seen.insert(plan.dest / root.name).second)
            return usage_error("version '{}' has two paths named '{}'; check them out one at a "
                               "time with their pointer files, or without --to",
                               version.label, root.name);
        plans.push_back(std::move(plan));
    }
    return plans;
}

// checkout REF PATH...: each PATH becomes a glob over the files of the roots
// it lies in; one that lies in none is a usage error before anything is read.
Status select_paths(std::vector<Plan>& plans, const CheckoutOptions& options,
                    const std::string& label) {
    std::vector<bool> found(options.paths.size());
    for (auto& plan : plans) {
        plan.in_part = true;
        for (auto& [i, glob] : path_selectors(plan.dest, options.paths, options.cwd)) {
            plan.selected.push_back(glob);
            plan.selected_by.push_back(i);
            found[i] = true;
        }
    }
    for (size_t i = 0; i < found.size(); ++i)
        if (!found[i])
            return usage_error("'{}' is not a path of version '{}' (give files or folders in "
                               "the folder it is checked out to)",
                               options.paths[i], label);
    return {};
}

// With PATH...: each one selects at least one file of the version.
Status check_selected(const std::vector<Plan>& plans, const CheckoutOptions& options,
                      const std::string& label) {
    for (size_t i = 0; i < options.paths.size(); ++i) {
        bool any = false;
        for (auto& plan : plans)
            for (size_t k = 0; k < plan.selected.size() && !any; ++k)
                if (plan.selected_by[k] == i)
                    any = std::ranges::any_of(plan.files, [&](const store::FileEntry& f) {
                        return store::path_selected(f.path, {plan.selected[k]});
                    });
        if (!any)
            return usage_error("'{}' names no file of version '{}'", options.paths[i], label);
    }
    return {};
}

} // namespace

std::vector<std::pair<size_t, std::string>>
path_selectors(const fs::path& dest, const std::vector<std::string>& paths, const fs::path& cwd) {
    std::vector<std::pair<size_t, std::string>> out;
    auto base = dest.lexically_normal().string();
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    for (size_t i = 0; i < paths.size(); ++i) {
        auto abs = (cwd / paths[i]).lexically_normal().string();
        while (abs.size() > 1 && abs.back() == '/')
            abs.pop_back();
        if (abs.starts_with(base + "/"))
            out.emplace_back(i, abs.substr(base.size() + 1));
    }
    return out;
}

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
