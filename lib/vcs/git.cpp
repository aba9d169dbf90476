#include <memory>
#include <mlci/vcs/git.hpp>
#include <mlci/vcs/libgit2.hpp>

namespace mlci::vcs {

using namespace detail;

std::string strip_credentials(std::string url) {
    auto scheme = url.find("://");
    auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos &&
        (slash == std::string::npos || at < slash))
        url.erase(scheme + 3, at - scheme - 2);
    return url;
}

Result<std::optional<GitInfo>> git_info(const std::filesystem::path& dir) {
    MLCI_TRY_ASSIGN(repo, open_repository(dir));
    if (!repo)
        return std::optional<GitInfo>{};
    GitInfo info;
    if (const char* wd = git2().git_repository_workdir(repo->get()))
        info.workdir = std::filesystem::path(wd).lexically_normal();

    git_oid oid;
    if (git2().git_reference_name_to_id(&oid, repo->get(), "HEAD") == 0) {
        info.commit = oid_hex(oid);
    }
    git_reference* head = nullptr;
    if (git2().git_repository_head(&head, repo->get()) == 0) {
        Ref owned(head);
        if (git2().git_reference_is_branch(head))
            info.branch = git2().git_reference_shorthand(head);
    } else if (git2().git_repository_head_unborn(repo->get()) == 1) {
        git_reference* sym = nullptr;
        if (git2().git_reference_lookup(&sym, repo->get(), "HEAD") == 0) {
            Ref owned(sym);
            if (const char* target = git2().git_reference_symbolic_target(sym))
                info.branch = std::string(target).substr(sizeof("refs/heads/") - 1);
        }
    }

    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* list = nullptr;
    if (git2().git_status_list_new(&list, repo->get(), &opts) != 0)
        return runtime_error("cannot read git status of '{}': {}", info.workdir.string(),
                             last_error_message());
    StatusList owned_list(list);
    info.dirty = git2().git_status_list_entrycount(list) > 0;

    git_remote* remote = nullptr;
    if (git2().git_remote_lookup(&remote, repo->get(), "origin") == 0) {
        Remote owned(remote);
        if (const char* url = git2().git_remote_url(remote))
            info.remote_url = strip_credentials(url);
    }
    return std::optional<GitInfo>(std::move(info));
}

Result<std::string> git_diff_head(const std::filesystem::path& workdir) {
    MLCI_TRY_ASSIGN(repo, open_repository(workdir));
    if (!repo)
        return std::string();
    git_object* obj = nullptr;
    Tree tree;
    if (git2().git_revparse_single(&obj, repo->get(), "HEAD^{tree}") == 0) {
        Object owned(obj);
        git_tree* t = nullptr;
        if (git2().git_tree_lookup(&t, repo->get(), git2().git_object_id(obj)) == 0)
            tree.reset(t);
    }
    git_diff* raw = nullptr;
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    if (git2().git_diff_tree_to_workdir_with_index(&raw, repo->get(), tree.get(), &opts) != 0)
        return runtime_error("cannot diff '{}': {}", workdir.string(), last_error_message());
    Diff diff(raw);
    git_buf buf = GIT_BUF_INIT;
    if (git2().git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH) != 0)
        return runtime_error("cannot format diff of '{}': {}", workdir.string(),
                             last_error_message());
    std::string out(buf.ptr ? buf.ptr : "", buf.size);
    git2().git_buf_dispose(&buf);
    return out;
}

Result<std::vector<std::string>> git_tracked_files(const std::filesystem::path& workdir) {
    MLCI_TRY_ASSIGN(repo, open_repository(workdir));
    std::vector<std::string> out;
    if (!repo)
        return out;
    git_index* raw = nullptr;
    if (git2().git_repository_index(&raw, repo->get()) != 0)
        return runtime_error("cannot read the git index of '{}': {}", workdir.string(),
                             last_error_message());
    Index index(raw);
    size_t n = git2().git_index_entrycount(raw);
    out.reserve(n);
    for (size_t i = 0; i < n; ++i)
        if (const git_index_entry* e = git2().git_index_get_byindex(raw, i))
            out.emplace_back(e->path);
    return out;
}

} // namespace mlci::vcs
