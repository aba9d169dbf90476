#include <cstdlib>
#include <mlci/vcs/git.hpp>
#include <mlci/vcs/git_mirror.hpp>
#include <mlci/vcs/libgit2.hpp>

namespace mlci::vcs {

namespace {

namespace fs = std::filesystem;

using namespace detail;

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// What the callbacks of one network operation share.
struct Payload {
    int credential_calls = 0;
    std::string rejection; // the remote's reason for refusing a pushed ref
};

// Https credentials from the environment, offered once: libgit2 asks again
// when they are refused, and asking forever would hang.
int acquire_credentials(git_credential** out, const char* /*url*/, const char* user_from_url,
                        unsigned int allowed, void* data) {
    auto* payload = static_cast<Payload*>(data);
    if (!(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) || payload->credential_calls++ > 0)
        return GIT_PASSTHROUGH;
    std::string user = env_or_empty("MLCI_GIT_USER");
    std::string password = env_or_empty("MLCI_GIT_PASSWORD");
    if (password.empty() && !env_or_empty("CI_JOB_TOKEN").empty()) {
        user = "gitlab-ci-token";
        password = env_or_empty("CI_JOB_TOKEN");
    }
    if (password.empty())
        return GIT_PASSTHROUGH;
    if (user.empty())
        user = user_from_url ? user_from_url : "git";
    return git2().git_credential_userpass_plaintext_new(out, user.c_str(), password.c_str());
}

int push_update_reference(const char* refname, const char* status, void* data) {
    if (status)
        static_cast<Payload*>(data)->rejection = fmt::format("{}: {}", refname, status);
    return 0;
}

git_remote_callbacks callbacks_for(Payload& payload) {
    git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
    cb.credentials = acquire_credentials;
    cb.push_update_reference = push_update_reference;
    cb.payload = &payload;
    return cb;
}

Result<git_oid> parse_oid(const std::string& hex) {
    git_oid oid;
    if (git2().git_oid_fromstr(&oid, hex.c_str()) != 0)
        return usage_error("invalid commit id '{}'", hex);
    return oid;
}

// libgit2's last error; its messages may quote the URL, never with credentials.
std::string scrubbed_error(const std::string& url, const std::string& shown) {
    std::string msg = last_error_message();
    if (url != shown)
        for (auto at = msg.find(url); at != std::string::npos;
             at = msg.find(url, at + shown.size()))
            msg.replace(at, url.size(), shown);
    return msg;
}

// The remote, made anew for each operation: an anonymous one, so that the
// URL (and credentials in it) never reach the cache's config.
Result<Remote> anonymous_remote(git_repository* repo, const std::string& url,
                                const std::string& shown) {
    git_remote* raw = nullptr;
    if (git2().git_remote_create_anonymous(&raw, repo, url.c_str()) != 0)
        return usage_error("invalid git URL '{}': {}", shown, scrubbed_error(url, shown));
    return Remote(raw);
}

} // namespace

void GitMirror::RepoFree::operator()(git_repository* repo) const {
    git2().git_repository_free(repo);
}

GitMirror::GitMirror(std::unique_ptr<git_repository, RepoFree> repo, std::string url)
    : m_repo(std::move(repo)), m_url(std::move(url)), m_shown(strip_credentials(m_url)) {}
GitMirror::GitMirror(GitMirror&&) noexcept = default;
GitMirror& GitMirror::operator=(GitMirror&&) noexcept = default;
GitMirror::~GitMirror() = default;

std::string GitMirror::last_error() const {
    return scrubbed_error(m_url, m_shown);
}

Author commit_author(std::string name, std::string email) {
    bool has_libgit2 = load_libgit2().has_value();
    if (name.empty())
        name = env_or_empty("GIT_AUTHOR_NAME");
    if (email.empty())
        email = env_or_empty("GIT_AUTHOR_EMAIL");
    git_config* raw = nullptr;
    if ((name.empty() || email.empty()) && has_libgit2 &&
        git2().git_config_open_default(&raw) == 0) {
        Config config(raw);
        for (auto [key, value] : {std::pair{"user.name", &name}, {"user.email", &email}}) {
            git_buf buf = GIT_BUF_INIT;
            if (value->empty() && git2().git_config_get_string_buf(&buf, config.get(), key) == 0)
                *value = std::string(buf.ptr, buf.size);
            git2().git_buf_dispose(&buf);
        }
    }
    if (name.empty())
        name = "mlci";
    if (email.empty())
        email = "mlci@localhost";
    return {name, email};
}

Result<GitMirror> GitMirror::open(const fs::path& dir, std::string url) {
    MLCI_TRY(load_libgit2());
    git_repository* raw = nullptr;
    if (fs::exists(dir) && git2().git_repository_open_bare(&raw, dir.c_str()) == 0)
        return GitMirror(std::unique_ptr<git_repository, RepoFree>(raw), std::move(url));
    // Not a repository (a crash while it was made): start again.
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (git2().git_repository_init(&raw, dir.c_str(), 1) != 0)
        return runtime_error("cannot create a git cache in '{}': {}", dir.string(),
                             scrubbed_error(url, strip_credentials(url)));
    return GitMirror(std::unique_ptr<git_repository, RepoFree>(raw), std::move(url));
}

Result<std::string> GitMirror::default_branch() {
    MLCI_TRY_ASSIGN(remote, anonymous_remote(m_repo.get(), m_url, m_shown));
    Payload payload;
    auto cb = callbacks_for(payload);
    if (git2().git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &cb, nullptr, nullptr) != 0)
        return runtime_error("cannot reach '{}': {}", m_shown, last_error());
    git_buf buf = GIT_BUF_INIT;
    int rc = git2().git_remote_default_branch(&buf, remote.get());
    std::string ref = rc == 0 ? std::string(buf.ptr, buf.size) : "";
    git2().git_buf_dispose(&buf);
    git2().git_remote_disconnect(remote.get());
    if (rc != 0 || !ref.starts_with("refs/heads/"))
        return usage_error("cannot find the default branch of '{}' (name a branch)", m_shown);
    return ref.substr(sizeof("refs/heads/") - 1);
}

Result<std::string> GitMirror::fetch(const std::string& branch) {
    MLCI_TRY_ASSIGN(remote, anonymous_remote(m_repo.get(), m_url, m_shown));
    std::string spec = fmt::format("+refs/heads/{0}:refs/remotes/origin/{0}", branch);
    char* specs[] = {spec.data()};
    git_strarray refspecs{specs, 1};
    Payload payload;
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.callbacks = callbacks_for(payload);
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    if (git2().git_remote_fetch(remote.get(), &refspecs, &opts, "mlci: fetch") != 0)
        return runtime_error("cannot fetch from '{}': {}", m_shown, last_error());
    const git_remote_head** heads = nullptr;
    size_t n = 0;
    if (git2().git_remote_ls(&heads, &n, remote.get()) != 0)
        return runtime_error("cannot list the branches of '{}': {}", m_shown, last_error());
    std::string want = "refs/heads/" + branch;
    for (size_t i = 0; i < n; ++i) {
        if (heads[i]->name != want)
            continue;
        // The tracking ref is written here: libgit2 leaves it alone for an
        // anonymous remote. It keeps the fetched objects reachable.
        git_reference* ref = nullptr;
        if (git2().git_reference_create(&ref, m_repo.get(),
                                        ("refs/remotes/origin/" + branch).c_str(), &heads[i]->oid,
                                        1, "mlci: fetch") != 0)
            return runtime_error("cannot update the git cache of '{}': {}", m_shown, last_error());
        Ref owned(ref);
        return oid_hex(heads[i]->oid);
    }
    return usage_error("branch '{}' not found in '{}'", branch, m_shown);
}

Result<std::optional<std::string>> GitMirror::read(const std::string& commit,
                                                   const std::string& path) {
    MLCI_TRY_ASSIGN(oid, parse_oid(commit));
    git_commit* raw_commit = nullptr;
    git_tree* raw_tree = nullptr;
    if (git2().git_commit_lookup(&raw_commit, m_repo.get(), &oid) != 0)
        return runtime_error("cannot read commit {} of '{}': {}", commit, m_shown, last_error());
    Commit owned_commit(raw_commit);
    if (git2().git_commit_tree(&raw_tree, raw_commit) != 0)
        return runtime_error("cannot read commit {} of '{}': {}", commit, m_shown, last_error());
    Tree tree(raw_tree);
    git_tree_entry* raw_entry = nullptr;
    int rc = git2().git_tree_entry_bypath(&raw_entry, raw_tree, path.c_str());
    if (rc == GIT_ENOTFOUND)
        return std::optional<std::string>{};
    if (rc != 0)
        return runtime_error("cannot read '{}' in '{}': {}", path, m_shown, last_error());
    TreeEntry entry(raw_entry);
    if (git2().git_tree_entry_type(raw_entry) != GIT_OBJECT_BLOB ||
        git2().git_tree_entry_filemode(raw_entry) == GIT_FILEMODE_LINK)
        return usage_error("'{}' in '{}' is not a regular file", path, m_shown);
    git_blob* raw_blob = nullptr;
    if (git2().git_blob_lookup(&raw_blob, m_repo.get(), git2().git_tree_entry_id(raw_entry)) != 0)
        return runtime_error("cannot read '{}' in '{}': {}", path, m_shown, last_error());
    Blob blob(raw_blob);
    return std::optional<std::string>(
        std::string(static_cast<const char*>(git2().git_blob_rawcontent(raw_blob)),
                    static_cast<size_t>(git2().git_blob_rawsize(raw_blob))));
}

Result<std::string> GitMirror::commit(const std::string& parent,
                                      const std::vector<std::pair<std::string, std::string>>& files,
                                      const std::string& branch, const std::string& message,
                                      const Author& author) {
    MLCI_TRY_ASSIGN(parent_oid, parse_oid(parent));
    git_commit* raw_parent = nullptr;
    git_tree* raw_tree = nullptr;
    if (git2().git_commit_lookup(&raw_parent, m_repo.get(), &parent_oid) != 0)
        return runtime_error("cannot read commit {} of '{}': {}", parent, m_shown, last_error());
    Commit parent_commit(raw_parent);
    if (git2().git_commit_tree(&raw_tree, raw_parent) != 0)
        return runtime_error("cannot read commit {} of '{}': {}", parent, m_shown, last_error());
    Tree base(raw_tree);

    std::vector<git_tree_update> updates;
    for (const auto& [path, text] : files) {
        git_tree_update update{};
        update.action = GIT_TREE_UPDATE_UPSERT;
        update.filemode = GIT_FILEMODE_BLOB;
        update.path = path.c_str();
        git_tree_entry* raw_entry = nullptr;
        if (git2().git_tree_entry_bypath(&raw_entry, raw_tree, path.c_str()) == 0) {
            TreeEntry entry(raw_entry);
            update.filemode = git2().git_tree_entry_filemode(raw_entry);
        }
        if (git2().git_blob_create_from_buffer(&update.id, m_repo.get(), text.data(),
                                               text.size()) != 0)
            return runtime_error("cannot write to the git cache of '{}': {}", m_shown,
                                 last_error());
        updates.push_back(update);
    }
    git_oid tree_oid;
    if (git2().git_tree_create_updated(&tree_oid, m_repo.get(), raw_tree, updates.size(),
                                       updates.data()) != 0)
        return runtime_error("cannot write to the git cache of '{}': {}", m_shown, last_error());
    git_tree* raw_new_tree = nullptr;
    if (git2().git_tree_lookup(&raw_new_tree, m_repo.get(), &tree_oid) != 0)
        return runtime_error("cannot read the git cache of '{}': {}", m_shown, last_error());
    Tree new_tree(raw_new_tree);

    git_signature* raw_sig = nullptr;
    if (git2().git_signature_now(&raw_sig, author.name.c_str(), author.email.c_str()) != 0)
        return usage_error("invalid commit author '{} <{}>': {}", author.name, author.email,
                           last_error());
    Signature sig(raw_sig);
    std::string text = message.ends_with('\n') ? message : message + '\n';
    const git_commit* parents[] = {raw_parent};
    git_oid id;
    if (git2().git_commit_create(&id, m_repo.get(), nullptr, raw_sig, raw_sig, "UTF-8",
                                 text.c_str(), raw_new_tree, 1, parents) != 0)
        return runtime_error("cannot commit to the git cache of '{}': {}", m_shown, last_error());
    git_reference* ref = nullptr;
    if (git2().git_reference_create(&ref, m_repo.get(), ("refs/heads/" + branch).c_str(), &id, 1,
                                    "mlci: commit") != 0)
        return runtime_error("cannot update the git cache of '{}': {}", m_shown, last_error());
    Ref owned(ref);
    return oid_hex(id);
}

Result<std::optional<std::string>> GitMirror::push(const std::string& branch) {
    MLCI_TRY_ASSIGN(remote, anonymous_remote(m_repo.get(), m_url, m_shown));
    // No '+': the push must fast-forward, or be refused.
    std::string spec = fmt::format("refs/heads/{0}:refs/heads/{0}", branch);
    char* specs[] = {spec.data()};
    git_strarray refspecs{specs, 1};
    Payload payload;
    git_push_options opts = GIT_PUSH_OPTIONS_INIT;
    opts.callbacks = callbacks_for(payload);
    int rc = git2().git_remote_push(remote.get(), &refspecs, &opts);
    if (rc != 0) {
        // libgit2 refuses a non-fast-forward itself when it sees the remote
        // branch moved; some servers say so in an error instead.
        std::string msg = last_error();
        if (rc == GIT_ENONFASTFORWARD || msg.find("fast-forward") != std::string::npos ||
            msg.find("fetch first") != std::string::npos)
            return std::optional<std::string>(msg);
        return runtime_error("cannot push to '{}': {}", m_shown, msg);
    }
    if (!payload.rejection.empty())
        return std::optional<std::string>(payload.rejection);
    // What was pushed is now the remote's head as far as the cache knows.
    git_oid id;
    if (git2().git_reference_name_to_id(&id, m_repo.get(), ("refs/heads/" + branch).c_str()) == 0) {
        git_reference* ref = nullptr;
        if (git2().git_reference_create(&ref, m_repo.get(),
                                        ("refs/remotes/origin/" + branch).c_str(), &id, 1,
                                        "mlci: push") == 0)
            git2().git_reference_free(ref);
    }
    return std::optional<std::string>{};
}

} // namespace mlci::vcs
