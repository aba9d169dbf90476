// A bare clone of a remote repository kept in a cache folder, for tools that
// edit files on a branch and push the commit without a work tree (GitOps).
#pragma once

#include <filesystem>
#include <memory>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct git_repository;

namespace mlci::vcs {

struct Author {
    std::string name;
    std::string email;
};

// The author of a commit: the given name and email, else GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL, else git's user.name and user.email, else "mlci" <mlci@localhost>.
Author commit_author(std::string name, std::string email);

class GitMirror {
public:
    // Opens the cache at `dir`, or creates it (a bare repository). `url` may
    // carry credentials: they are used, never stored in the cache or shown.
    // Https credentials also come from MLCI_GIT_USER and MLCI_GIT_PASSWORD, or
    // from CI_JOB_TOKEN (GitLab CI) as user gitlab-ci-token.
    static Result<GitMirror> open(const std::filesystem::path& dir, std::string url);

    GitMirror(GitMirror&&) noexcept;
    GitMirror& operator=(GitMirror&&) noexcept;
    ~GitMirror();

    // The URL without credentials, for messages.
    const std::string& shown_url() const { return m_shown; }

    // Returns the branch the remote's HEAD points to.
    Result<std::string> default_branch();

    // Fetches `branch` and returns the commit (40 hex digits) at its head on
    // the remote; the cache's own refs never decide it.
    Result<std::string> fetch(const std::string& branch);

    // Returns the content of `path` in `commit`, or nothing when it has no
    // such path; a usage error when the path is not a regular file.
    Result<std::optional<std::string>> read(const std::string& commit, const std::string& path);

    // Commits `files` (path, new content) on top of `parent`, keeping each
    // file's mode, and points the cache's `branch` at the commit it returns.
    Result<std::string> commit(const std::string& parent,
                               const std::vector<std::pair<std::string, std::string>>& files,
                               const std::string& branch, const std::string& message,
                               const Author& author);

    // Pushes the cache's `branch` to the remote's, never forcing; the
    // remote's reason when it refused (the branch moved, a hook said no).
    Result<std::optional<std::string>> push(const std::string& branch);

private:
    struct RepoFree {
        void operator()(git_repository* repo) const;
    };
    GitMirror(std::unique_ptr<git_repository, RepoFree> repo, std::string url);

    std::unique_ptr<git_repository, RepoFree> m_repo;
    std::string m_url;   // as given, credentials and all
    std::string m_shown; // without credentials

    std::string last_error() const;
};

} // namespace mlci::vcs
