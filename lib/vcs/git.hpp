// What the code was when an artifact was made: the git state of a work tree (libgit2).
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::vcs {

struct GitInfo {
    std::filesystem::path workdir; // the repository's work tree
    std::string commit;            // 40 hex digits; empty in a repository with no commit yet
    std::string branch;            // empty when HEAD is detached
    bool dirty = false;            // tracked files differ from HEAD (untracked files ignored)
    std::string remote_url;        // origin's URL, credentials stripped; empty when none
};

// The git state of the repository containing `dir`, or nothing outside git.
Result<std::optional<GitInfo>> git_info(const std::filesystem::path& dir);

// The text of `git diff HEAD` for tracked files (for a digest of uncommitted work).
Result<std::string> git_diff_head(const std::filesystem::path& workdir);

// The paths of the files the index tracks, relative to the work tree (for a
// stat fingerprint that tells when the state above may have changed).
Result<std::vector<std::string>> git_tracked_files(const std::filesystem::path& workdir);

// Removes "user:password@" from a URL so that credentials never reach a record.
std::string strip_credentials(std::string url);

} // namespace mlci::vcs
