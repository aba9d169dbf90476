// `mlci data-version status`, and reading the workspace for status, diff and
// checkout: a scan (readdir + lstat), then the stat cache, and only files whose
// stat changed are read and hashed, in parallel. An unchanged tree costs what
// `git status` costs: one lstat a file, and one sequential read of a snapshot.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <future>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <set>
#include <sys/stat.h>

namespace mlci::data {

namespace {

bool executable(uint32_t mode) {
    return (mode & 0111) != 0;
}

bool exists_no_follow(const fs::path& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
}

bool is_pointer_name(const std::string& name) {
    return name.size() > std::string_view(k_pointer_suffix).size() &&
           name.ends_with(k_pointer_suffix);
}

fs::path pointer_for(const fs::path& data_path) {
    return data_path.parent_path() / (data_path.filename().string() + k_pointer_suffix);
}

// ---- clean snapshots ------------------------------------------------------------
//
// When a root is found clean, the stat of each of its files is written down
// with the tree it matched, in path order. The next status of that root, when
// the scan gives exactly those stats again, is clean without reading the file
// list or the stat cache: one sequential read and compare, as git compares its
// index. Any difference falls back to the full comparison.
//
//   mlci clean v1 <tree digest>\n
//   <size> <inode> <mtime_ns> <ctime_ns> <mode> <path length> <path>\n   ...

// The stat cache's rule: a file changed in the last two seconds could change
// again within the same timestamp tick unseen, so its stat proves nothing.
constexpr int64_t k_racy_window_ns = 2'000'000'000;

fs::path snapshot_path(const store::Store& store, const VersionRoot& root) {
    auto where = (root.base / root.name).lexically_normal().string();
    return store.cache_dir() / ("clean-" + hash::sha256_of(where).short_hex(16));
}

std::string snapshot_header(const VersionRoot& root) {
    return fmt::format("mlci clean v1 {}\n", root.file_list.str());
}

// The snapshot of `root` when one was written for its current tree.
std::optional<std::string> read_snapshot(const store::Store& store, const VersionRoot& root) {
    auto text = read_file(snapshot_path(store, root));
    if (!text || !text->starts_with(snapshot_header(root)))
        return {};
    return std::move(*text);
}

// True when `files` are exactly the files the snapshot lists, stat for stat.
bool snapshot_matches(std::string_view text, const VersionRoot& root,
                      const std::vector<WorkspaceFile>& files) {
    text.remove_prefix(snapshot_header(root).size());
    for (auto& f : files) {
        FileStat st;
        size_t length = 0;
        if (!take_number(text, st.size) || !take_number(text, st.inode) ||
            !take_number(text, st.mtime_ns) || !take_number(text, st.ctime_ns) ||
            !take_number(text, st.mode) || !take_number(text, length) || text.size() < length + 1 ||
            text.substr(0, length) != f.path || text[length] != '\n')
            return false;
        if (st.size != f.stat.size || st.inode != f.stat.inode || st.mtime_ns != f.stat.mtime_ns ||
            st.ctime_ns != f.stat.ctime_ns || st.mode != f.stat.mode)
            return false;
        text.remove_prefix(length + 1);
    }
    return text.empty();
}

// Writes the snapshot of a root found clean, unless a file is too recent to trust.
void save_snapshot(const store::Store& store, const VersionRoot& root,
                   const std::vector<WorkspaceFile>& files) {
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string out = snapshot_header(root);
    out.reserve(files.size() * 80 + out.size());
    for (auto& f : files) {
        if (f.stat.mtime_ns > now - k_racy_window_ns || f.stat.ctime_ns > now - k_racy_window_ns)
            return;
        out += fmt::format("{} {} {} {} {} {} {}\n", f.stat.size, f.stat.inode, f.stat.mtime_ns,
                           f.stat.ctime_ns, f.stat.mode, f.path.size(), f.path);
    }
    // Only a shortcut: a failure to write it costs the next status time, nothing else.
    (void)write_file_atomic(snapshot_path(store, root), out, /*durable=*/false);
}

// What status looks at: a pointer file, and optionally a part of its root.
struct Target {
    fs::path pointer_file; // absolute
    std::string sub;       // relative to the pointer's folder; empty: the whole root
    auto operator<=>(const Target&) const = default;
};

// The pointer file of the versioned folder holding `abs`, when `abs` lies
// strictly inside one under the project.
std::optional<Target> enclosing_root(const fs::path& abs, const fs::path& project) {
    for (auto dir = abs.parent_path(); !relative_inside(dir, project).empty();
         dir = dir.parent_path())
        if (auto pointer = pointer_for(dir); fs::is_regular_file(pointer))
            return Target{pointer, abs.lexically_relative(dir.parent_path()).generic_string()};
    return {};
}

// The targets that one path names. `explicit_path` is false for the working
// folder that status looks at when given no path: finding nothing there is fine.
Result<std::vector<Target>> targets_for(const fs::path& given, const fs::path& cwd,
                                        const fs::path& project, bool explicit_path) {
    auto abs = (cwd / given).lexically_normal();
    if (!abs.has_filename())
        abs = abs.parent_path();
    auto name = abs.filename().string();
    if (is_pointer_name(name)) {
        if (!fs::is_regular_file(abs))
            return usage_error("pointer file '{}' does not exist", given.string());
        return std::vector<Target>{{abs, {}}};
    }
    bool in_project = !relative_inside(abs, project).empty();
    if (in_project && fs::is_regular_file(pointer_for(abs)))
        return std::vector<Target>{{pointer_for(abs), {}}};
    if (auto t = enclosing_root(abs, project))
        return std::vector<Target>{*t};
    if (fs::is_directory(abs)) {
        MLCI_TRY_ASSIGN(pointers, find_pointer_files(abs));
        if (pointers.empty() && explicit_path)
            return usage_error("nothing is versioned in '{}' (no pointer files; version data with "
                               "'mlci data-version add')",
                               given.string());
        std::vector<Target> out;
        for (auto& p : pointers)
            out.push_back({p, {}});
        return out;
    }
    if (!exists_no_follow(abs))
        return usage_error("path '{}' does not exist", given.string());
    return usage_error("'{}' is not versioned (there is no pointer file '{}{}')", given.string(),
                       given.string(), k_pointer_suffix);
}

Result<RootStatus> status_of(const store::Store& store, const Target& target,
                             const fs::path& project, StatCaches& caches, unsigned jobs,
                             const Reporter& reporter) {
    RootStatus rs;
    rs.pointer_file = target.pointer_file;
    MLCI_TRY_ASSIGN(pointer, read_pointer(target.pointer_file));
    rs.pointer = pointer;
    auto base = target.pointer_file.parent_path();
    auto prefix = path_prefix(base, project);
    rs.pointer_path = prefix + target.pointer_file.filename().string();
    rs.path = prefix + (target.sub.empty() ? pointer.path : target.sub);
    VersionRoot root{prefix + pointer.path, base, pointer.path, pointer.tree, pointer.dataset};
    MLCI_TRY_ASSIGN(changes, compare_with_workspace(store, root, target.sub, caches, jobs, reporter,
                                                    &rs.files_read));
    rs.changes = std::move(changes);
    return rs;
}

} // namespace

std::string path_prefix(const fs::path& base, const fs::path& project) {
    auto b = base.lexically_normal();
    if (!b.has_filename())
        b = b.parent_path();
    if (b == project)
        return {};
    auto rel = relative_inside(b, project);
    return (rel.empty() ? b.generic_string() : rel.generic_string()) + "/";
}

StatCaches::Cache& StatCaches::at(const fs::path& base) {
    auto it = m_caches.find(base);
    if (it == m_caches.end())
        it = m_caches.emplace(base, Cache{StatCache::load(*m_store, base), false}).first;
    return it->second;
}

const StatCache& StatCaches::of(const fs::path& base) {
    return at(base).cache;
}

StatCache& StatCaches::changing(const fs::path& base) {
    auto& c = at(base);
    c.changed = true;
    return c.cache;
}

void StatCaches::save(const Reporter& reporter) const {
    for (auto& [base, c] : m_caches)
        if (c.changed)
            if (auto s = c.cache.save(); !s)
                reporter.say(fmt::format("note: stat cache not saved: {}", s.error().message));
}

Result<std::vector<WorkspaceFile>> scan_workspace(const fs::path& base, const std::string& sub,
                                                  unsigned jobs) {
    std::vector<WorkspaceFile> out;
    if (!exists_no_follow(base / sub))
        return out;
    MLCI_TRY_ASSIGN(scanned, scan_root(base / sub, base, jobs));
    out.reserve(scanned.size());
    for (auto& f : scanned)
        out.push_back({std::move(f.path), f.stat, {}});
    return out;
}

Result<uint64_t> digest_files(std::vector<WorkspaceFile>& files, const fs::path& base,
                              StatCaches& caches, const std::function<bool(size_t)>& wanted,
                              unsigned jobs, const Reporter& reporter) {
    auto& cache = caches.of(base);
    std::vector<size_t> to_read;
    uint64_t total_bytes = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        auto& f = files[i];
        if (!wanted(i))
            continue;
        if (auto d = cache.lookup(f.path, f.stat)) {
            f.digest = *d;
        } else {
            to_read.push_back(i);
            total_bytes += f.stat.size;
        }
    }
    std::atomic<uint64_t> done{0}, bytes{0};
    MLCI_TRY(parallel_for(to_read.size(), jobs, [&](size_t k) -> Status {
        auto& f = files[to_read[k]];
        MLCI_TRY_ASSIGN(h, hash::sha256_file(base / f.path));
        f.digest = h.digest;
        reporter.report({"reading", ++done, to_read.size(), bytes += f.stat.size, total_bytes});
        return {};
    }));
    // The stat taken before the read goes with the digest: a file written
    // during the read has a newer stat and misses the cache next time.
    if (!to_read.empty()) {
        auto& changing = caches.changing(base);
        for (auto i : to_read)
            changing.record(files[i].path, files[i].stat, files[i].digest);
    }
    return to_read.size();
}

Result<std::vector<FileChange>> compare_with_workspace(const store::Store& store,
                                                       const VersionRoot& root,
                                                       const std::string& sub, StatCaches& caches,
                                                       unsigned jobs, const Reporter& reporter,
                                                       uint64_t* files_read) {
    if (files_read)
        *files_read = 0;
    auto part = sub.empty() ? root.name : sub;
    // The file list and the stat cache are needed only when the snapshot
    // cannot answer; read them alongside the scan when that is known before it.
    auto snapshot = sub.empty() ? read_snapshot(store, root) : std::nullopt;
    std::future<Result<std::vector<store::FileEntry>>> listed;
    std::future<void> cached;
    auto start_loading = [&] {
        listed = std::async(std::launch::async, [&] { return load_root_files(store, root); });
        cached = std::async(std::launch::async, [&] { caches.of(root.base); });
    };
    if (!snapshot)
        start_loading();
    auto scanned = scan_workspace(root.base, part, jobs);
    if (snapshot && scanned && snapshot_matches(*snapshot, root, *scanned))
        return std::vector<FileChange>{};
    if (!listed.valid())
        start_loading();
    auto list = listed.get();
    cached.get();
    if (!list)
        return std::unexpected(list.error());
    if (!scanned)
        return std::unexpected(scanned.error());
    if (!sub.empty())
        std::erase_if(*list, [&](const store::FileEntry& e) {
            return e.path != sub && !(e.path.starts_with(sub) && e.path[sub.size()] == '/');
        });
    std::vector<store::FileEntry> copy;
    auto& recorded = sorted_by_path(*list, copy);
    auto& files = *scanned;
    auto prefix = root.prefix();

    // Both are in path order: pair them in one pass, no hash table (this is
    // the hot path of `status` on 100,000 files).
    std::vector<const store::FileEntry*> match(files.size(), nullptr);
    for (size_t i = 0, j = 0; i < files.size(); ++i) {
        while (j < recorded.size() && recorded[j].path < files[i].path)
            ++j;
        if (j < recorded.size() && recorded[j].path == files[i].path)
            match[i] = &recorded[j];
    }
    // A file whose size or executable bit differs has changed whatever its
    // content: only the others need their digest.
    auto same_shape = [&](size_t i) {
        return match[i] && match[i]->size == files[i].stat.size &&
               executable(match[i]->mode) == executable(files[i].stat.mode);
    };
    MLCI_TRY_ASSIGN(read, digest_files(files, root.base, caches, same_shape, jobs, reporter));
    if (files_read)
        *files_read = read;

    std::vector<FileChange> changes;
    auto deleted = [&](const store::FileEntry& r) {
        changes.push_back({std::string(prefix) + r.path, Change::deleted, r.size, 0, r.digest, {}});
    };
    size_t j = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        auto& f = files[i];
        for (; j < recorded.size() && recorded[j].path < f.path; ++j)
            deleted(recorded[j]);
        if (!match[i]) {
            changes.push_back({std::string(prefix) + f.path,
                               Change::added,
                               0,
                               f.stat.size,
                               {},
                               std::move(f.digest)});
            continue;
        }
        auto& r = *match[i];
        ++j;
        if (!same_shape(i) || f.digest != r.digest)
            changes.push_back({std::string(prefix) + f.path, Change::modified, r.size, f.stat.size,
                               r.digest, std::move(f.digest)});
    }
    for (; j < recorded.size(); ++j)
        deleted(recorded[j]);
    if (changes.empty() && sub.empty())
        save_snapshot(store, root, files);
    return changes;
}

Result<std::vector<fs::path>> find_pointer_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::vector<fs::path> pending{dir};
    while (!pending.empty()) {
        auto current = std::move(pending.back());
        pending.pop_back();
        std::error_code ec;
        std::set<std::string> names;
        std::vector<fs::path> subdirs;
        for (auto it = fs::directory_iterator(current, ec); !ec && it != fs::directory_iterator();
             it.increment(ec)) {
            auto name = it->path().filename().string();
            names.insert(name);
            auto type = it->symlink_status(ec).type();
            if (type == fs::file_type::directory && name != ".git" && name != ".mlci")
                subdirs.push_back(it->path());
            else if (type == fs::file_type::regular && is_pointer_name(name))
                out.push_back(it->path());
        }
        // A folder we may not read holds nothing we versioned: skip it, as git does.
        if (ec && ec != std::errc::permission_denied)
            return runtime_error("cannot read folder '{}': {}", current.string(), ec.message());
        // A versioned folder's own files are the data, not more pointers.
        for (auto& d : subdirs)
            if (!names.contains(d.filename().string() + k_pointer_suffix))
                pending.push_back(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool StatusReport::clean() const {
    return std::all_of(roots.begin(), roots.end(),
                       [](const RootStatus& r) { return r.changes.empty(); });
}

Result<StatusReport> workspace_status(const store::Store& store, const StatusOptions& options,
                                      const Reporter& reporter) {
    auto project = project_root(store, options.cwd);
    std::vector<Target> targets;
    if (options.paths.empty()) {
        MLCI_TRY_ASSIGN(found, targets_for(".", options.cwd, project, false));
        targets = std::move(found);
    }
    for (auto& p : options.paths) {
        MLCI_TRY_ASSIGN(found, targets_for(p, options.cwd, project, true));
        std::move(found.begin(), found.end(), std::back_inserter(targets));
    }
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());

    StatusReport report;
    StatCaches caches(store);
    for (auto& t : targets) {
        MLCI_TRY_ASSIGN(rs, status_of(store, t, project, caches, options.jobs, reporter));
        report.roots.push_back(std::move(rs));
    }
    caches.save(reporter);
    return report;
}

} // namespace mlci::data
