#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mlci/core/fs.hpp>
#include <mlci/vcs/libgit2.hpp>
#include <mlci/vcs/work_tree.hpp>
#include <thread>
#include <unistd.h>

namespace mlci::vcs {

namespace fs = std::filesystem;
using namespace detail;

namespace {

// Git's blob id of the file at `rel` as it is on disk: a symbolic link's
// target text, or the content with the repository's filters (line endings)
// applied, as `git add` would store it.
Result<std::string> blob_id_on_disk(git_repository* repo, const fs::path& workdir,
                                    const std::string& rel) {
    auto abs = workdir / rel;
    std::error_code ec;
    git_oid oid;
    if (fs::is_symlink(fs::symlink_status(abs, ec))) {
        auto target = fs::read_symlink(abs, ec).string();
        if (ec)
            return runtime_error("cannot read the symbolic link '{}': {}", abs.string(),
                                 ec.message());
        if (git2().git_odb_hash(&oid, target.data(), target.size(), GIT_OBJECT_BLOB) != 0)
            return runtime_error("cannot hash '{}': {}", abs.string(), last_error_message());
        return oid_hex(oid);
    }
    // A file that another process is writing can change size while it is
    // read, and libgit2 then fails ("error reading file for hashing"): a
    // `train` must not fail because a data file next to the code was being
    // written. It is hashed again a moment later, up to three times.
    for (int attempt = 0;; ++attempt) {
        if (git2().git_repository_hashfile(&oid, repo, abs.c_str(), GIT_OBJECT_BLOB, rel.c_str()) ==
            0)
            return oid_hex(oid);
        if (attempt == 3)
            return runtime_error("cannot hash '{}': {}", abs.string(), last_error_message());
        std::this_thread::sleep_for(std::chrono::milliseconds(20 << attempt));
    }
}

struct Walk {
    git_repository* repo;
    const fs::path& workdir;
    const std::function<bool(std::string_view)>& skip_dir;
    const std::function<bool(std::string_view)>& wanted;
    std::map<std::string, std::string>& files; // tracked ones already in
    std::vector<std::string>& dirs;

    Result<bool> ignored(const std::string& rel) {
        int is = 0;
        if (git2().git_ignore_path_is_ignored(&is, repo, rel.c_str()) != 0)
            return runtime_error("cannot read the ignore rules for '{}': {}", rel,
                                 last_error_message());
        return is == 1;
    }

    // Adds the untracked, not ignored files under the folder `rel`.
    Status folder(const std::string& rel) {
        dirs.push_back(rel);
        std::error_code ec;
        fs::directory_iterator it(workdir / rel, ec), end;
        if (ec)
            return runtime_error("cannot list '{}': {}", (workdir / rel).string(), ec.message());
        std::vector<std::pair<std::string, bool>> entries; // sorted: a stable walk
        for (; it != end; it.increment(ec)) {
            auto name = it->path().filename().string();
            bool is_dir = it->is_directory(ec) && !it->is_symlink(ec);
            entries.emplace_back(rel.empty() ? name : fmt::format("{}/{}", rel, name), is_dir);
        }
        if (ec)
            return runtime_error("cannot list '{}': {}", (workdir / rel).string(), ec.message());
        std::sort(entries.begin(), entries.end());
        for (auto& [path, is_dir] : entries) {
            if (is_dir) {
                auto name = fs::path(path).filename();
                // A nested repository is not part of this one's content.
                if (name == ".git" || fs::exists(workdir / path / ".git", ec) || skip_dir(path))
                    continue;
                MLCI_TRY_ASSIGN(ign, ignored(path + "/"));
                if (!ign)
                    MLCI_TRY(folder(path));
                continue;
            }
            if (files.count(path))
                continue; // tracked: the index has it
            MLCI_TRY_ASSIGN(ign, ignored(path));
            if (ign)
                continue;
            std::string id;
            if (wanted(path)) {
                MLCI_TRY_ASSIGN(h, blob_id_on_disk(repo, workdir, path));
                id = std::move(h);
            }
            files.emplace(path, std::move(id));
        }
        return {};
    }
};

} // namespace

std::optional<WorkTree> find_work_tree(const fs::path& dir, bool& maybe_git) {
    maybe_git = true;
    if (std::getenv("GIT_DIR"))
        return {};
    std::error_code ec;
    for (auto d = fs::absolute(dir).lexically_normal();; d = d.parent_path()) {
        auto dot_git = d / ".git";
        auto st = fs::symlink_status(dot_git, ec);
        if (fs::is_directory(st))
            return WorkTree{d, dot_git};
        if (fs::exists(st))
            return {};
        if (d == d.root_path())
            break;
    }
    maybe_git = false;
    return {};
}

std::vector<fs::path> git_state_files(const fs::path& gitdir) {
    std::vector<fs::path> out{gitdir / "HEAD", gitdir / "index", gitdir / "packed-refs",
                              gitdir / "config", gitdir / "info" / "exclude"};
    if (auto head = read_file(gitdir / "HEAD"); head && head->starts_with("ref: ")) {
        auto ref = head->substr(5);
        while (!ref.empty() && (ref.back() == '\n' || ref.back() == '\r'))
            ref.pop_back();
        if (ref.find("..") == std::string::npos)
            out.push_back(gitdir / ref);
    }
    return out;
}

Result<std::optional<VisibleFiles>>
visible_files(const fs::path& dir, const std::function<bool(std::string_view)>& skip_dir,
              const std::function<bool(std::string_view)>& wanted) {
    MLCI_TRY_ASSIGN(repo, open_repository(dir));
    if (!repo)
        return std::optional<VisibleFiles>{};
    git_repository* raw = repo->get();
    const char* wd = git2().git_repository_workdir(raw);
    if (!wd)
        return std::optional<VisibleFiles>{}; // bare: no work tree
    VisibleFiles out;
    std::string workdir = wd; // "/path/to/tree/"
    if (workdir.size() > 1 && workdir.back() == '/')
        workdir.pop_back();
    out.workdir = workdir;

    // Tracked files, with the id the index records.
    std::map<std::string, std::string> files;
    git_index* raw_index = nullptr;
    if (git2().git_repository_index(&raw_index, raw) != 0)
        return runtime_error("cannot read the git index of '{}': {}", out.workdir.string(),
                             last_error_message());
    Index index(raw_index);
    size_t n = git2().git_index_entrycount(raw_index);
    for (size_t i = 0; i < n; ++i) {
        const git_index_entry* e = git2().git_index_get_byindex(raw_index, i);
        if (!e || GIT_INDEX_ENTRY_STAGE(e) != 0 || e->mode == GIT_FILEMODE_COMMIT)
            continue; // conflicts and submodules
        files.emplace(e->path, wanted(e->path) ? oid_hex(e->id) : std::string());
    }

    // Tracked files that differ on disk: their id is their content's.
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* list = nullptr;
    if (git2().git_status_list_new(&list, raw, &opts) != 0)
        return runtime_error("cannot read git status of '{}': {}", out.workdir.string(),
                             last_error_message());
    StatusList owned(list);
    for (size_t i = 0, count = git2().git_status_list_entrycount(list); i < count; ++i) {
        const git_status_entry* s = git2().git_status_byindex(list, i);
        if (!s || !s->index_to_workdir || !s->index_to_workdir->old_file.path)
            continue;
        std::string path = s->index_to_workdir->old_file.path;
        if (s->status & GIT_STATUS_WT_DELETED) {
            files.erase(path);
        } else if (s->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE)) {
            if (!files.count(path) || !wanted(path))
                continue;
            MLCI_TRY_ASSIGN(id, blob_id_on_disk(raw, out.workdir, path));
            files[path] = std::move(id);
        }
    }

    // Untracked files that are not ignored.
    Walk walk{raw, out.workdir, skip_dir, wanted, files, out.dirs};
    MLCI_TRY(walk.folder(""));
    out.files.reserve(files.size());
    for (auto& [path, id] : files)
        out.files.push_back({path, std::move(id)});
    return std::optional<VisibleFiles>(std::move(out));
}

} // namespace mlci::vcs
