// A git work tree's files as git sees them, with their content ids, for a
// run cache key that depends on the content of the code rather than on the
// commit that holds it (a new commit that changes only a README keeps the
// key).
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::vcs {

// A plain work tree and its .git folder.
struct WorkTree {
    std::filesystem::path workdir, gitdir;
};

// The work tree above `dir` when its .git is a folder, found as git finds it
// (no libgit2: this is on the run cache's fast path). Nothing when $GIT_DIR
// is set or .git is a file (worktrees, submodules): then `maybe_git` is true
// and only libgit2 can tell; `maybe_git` is false when no .git is above.
std::optional<WorkTree> find_work_tree(const std::filesystem::path& dir, bool& maybe_git);

// The files in .git whose change may change what git reports: HEAD, the
// branch's ref, packed-refs, config, the index and info/exclude.
std::vector<std::filesystem::path> git_state_files(const std::filesystem::path& gitdir);

struct VisibleFile {
    std::string path; // relative to the work tree, '/'-separated
    std::string id;   // git's blob id (hex) of its content; empty when not asked for
};

struct VisibleFiles {
    std::filesystem::path workdir;
    std::vector<VisibleFile> files; // sorted by path
    std::vector<std::string> dirs;  // the folders walked, relative ("" is the work tree)
};

// The files git would show in the work tree holding `dir`: tracked ones
// (not deleted) and untracked ones that are not ignored, as `git status`
// and `git ls-files` see them. A file's id comes from the index when the
// file is as the index has it, else from its content on disk. Folders for
// which `skip_dir` is true are not entered; files for which `wanted` is
// false are listed without an id (never read). Nothing outside git.
Result<std::optional<VisibleFiles>>
visible_files(const std::filesystem::path& dir,
              const std::function<bool(std::string_view)>& skip_dir,
              const std::function<bool(std::string_view)>& wanted);

} // namespace mlci::vcs
