#include <chrono>
#include <cstdlib>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/run/code_state.hpp>
#include <mlci/vcs/git.hpp>
#include <sys/stat.h>

namespace mlci::run {

namespace {

constexpr std::string_view k_magic = "mlci-code-state v1";
constexpr int64_t k_racy_window_ns = 2'000'000'000;

struct Stamp {
    int64_t size = -1; // -1: missing
    uint64_t inode = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
};

Stamp stamp_of(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0)
        return {};
    return {static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino),
            st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
            st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

struct Repo {
    fs::path workdir, gitdir;
};

// The work tree and .git folder above `project`, found the way git does for
// the plain case. A .git file (worktree, submodule) or $GIT_DIR give
// nothing here: libgit2 then answers every time.
std::optional<Repo> find_repo(const fs::path& project, bool& maybe_git) {
    maybe_git = true;
    if (std::getenv("GIT_DIR"))
        return {};
    std::error_code ec;
    for (auto dir = fs::absolute(project).lexically_normal();; dir = dir.parent_path()) {
        auto dot_git = dir / ".git";
        auto st = fs::symlink_status(dot_git, ec);
        if (fs::is_directory(st))
            return Repo{dir, dot_git};
        if (fs::exists(st))
            return {};
        if (dir == dir.root_path())
            break;
    }
    maybe_git = false;
    return {};
}

// What the answer depends on, besides the tracked files.
std::vector<fs::path> git_files(const fs::path& gitdir) {
    std::vector<fs::path> out{gitdir / "HEAD", gitdir / "index", gitdir / "packed-refs",
                              gitdir / "config"};
    if (auto head = read_file(gitdir / "HEAD"); head && head->starts_with("ref: ")) {
        auto ref = head->substr(5);
        while (!ref.empty() && (ref.back() == '\n' || ref.back() == '\r'))
            ref.pop_back();
        if (ref.find("..") == std::string::npos)
            out.push_back(gitdir / ref);
    }
    return out;
}

nlohmann::json to_json(const CodeRecord& c) {
    return {{"commit", c.commit},
            {"branch", c.branch},
            {"dirty", c.dirty},
            {"diff_digest", c.diff_digest},
            {"remote", c.remote}};
}

// The remembered answer when every stamp still holds.
std::optional<CodeRecord> remembered(const fs::path& file, const Repo& repo) {
    auto text = read_file(file);
    if (!text)
        return {};
    std::string_view rest = *text;
    auto line = [&]() -> std::optional<std::string_view> {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos)
            return {};
        auto l = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return l;
    };
    if (line() != k_magic)
        return {};
    auto record_line = line();
    if (!record_line)
        return {};
    auto j = nlohmann::json::parse(*record_line, nullptr, false);
    if (!j.is_object())
        return {};
    while (auto l = line()) {
        // "<size> <inode> <mtime_ns> <ctime_ns> <path>", path relative to the work tree
        Stamp want;
        char path[4096];
        if (std::sscanf(std::string(*l).c_str(), "%ld %lu %ld %ld %4095[^\n]", &want.size,
                        &want.inode, &want.mtime_ns, &want.ctime_ns, path) != 5)
            return {};
        if (stamp_of(repo.workdir / path) != want)
            return {};
    }
    return CodeRecord{j.value("commit", ""), j.value("branch", ""), j.value("dirty", false),
                      j.value("diff_digest", ""), j.value("remote", "")};
}

Result<std::optional<CodeRecord>> ask_git(const fs::path& project) {
    MLCI_TRY_ASSIGN(git, vcs::git_info(project));
    if (!git)
        return std::optional<CodeRecord>{};
    CodeRecord code{git->commit, git->branch, git->dirty, {}, git->remote_url};
    if (git->dirty) {
        MLCI_TRY_ASSIGN(diff, vcs::git_diff_head(git->workdir));
        code.diff_digest = hash::sha256_of(diff).str();
    }
    return std::optional<CodeRecord>(std::move(code));
}

} // namespace

Result<std::optional<CodeRecord>> code_state(const store::Store& store, const fs::path& project) {
    bool maybe_git = true;
    auto repo = find_repo(project, maybe_git);
    if (!maybe_git)
        return std::optional<CodeRecord>{}; // no .git above: libgit2 would find none either
    if (!repo)
        return ask_git(project);
    auto file =
        store.cache_dir() / ("code-" + hash::sha256_of(repo->workdir.string()).short_hex(16));
    if (auto known = remembered(file, *repo))
        return std::optional<CodeRecord>(std::move(*known));

    // Stamps first, then the answer: a change in between makes the stamps
    // stale, so the next call asks again; never the other way round.
    MLCI_TRY_ASSIGN(tracked, vcs::git_tracked_files(repo->workdir));
    std::vector<std::pair<std::string, Stamp>> stamps;
    for (auto& f : git_files(repo->gitdir))
        stamps.emplace_back(f.lexically_relative(repo->workdir).string(), stamp_of(f));
    bool storable = true; // a path with a line break would not fit the file
    for (auto& t : tracked) {
        storable = storable && t.find('\n') == std::string::npos;
        stamps.emplace_back(t, stamp_of(repo->workdir / t));
    }
    MLCI_TRY_ASSIGN(code, ask_git(project));
    if (!code || !storable)
        return code;

    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string out = std::string(k_magic) + "\n" + to_json(*code).dump() + "\n";
    for (auto& [path, s] : stamps) {
        if (s.mtime_ns > now - k_racy_window_ns || s.ctime_ns > now - k_racy_window_ns)
            return code; // too fresh to trust next time
        out += fmt::format("{} {} {} {} {}\n", s.size, s.inode, s.mtime_ns, s.ctime_ns, path);
    }
    (void)write_file_atomic(file, out, /*durable=*/false); // only a shortcut
    return code;
}

} // namespace mlci::run
