#include <mlci/core/fs.hpp>
#include <mlci/core/stamps.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/train/code_state.hpp>
#include <mlci/vcs/git.hpp>
#include <mlci/vcs/work_tree.hpp>

namespace mlci::train {

namespace {

constexpr std::string_view k_code_magic = "mlci-code-state v1";

nlohmann::json to_json(const CodeRecord& c) {
    return {{"commit", c.commit},
            {"branch", c.branch},
            {"dirty", c.dirty},
            {"diff_digest", c.diff_digest},
            {"remote", c.remote}};
}

CodeRecord from_json(const nlohmann::json& j) {
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
    auto repo = vcs::find_work_tree(project, maybe_git);
    if (!maybe_git)
        return std::optional<CodeRecord>{}; // no .git above: libgit2 would find none either
    if (!repo)
        return ask_git(project);
    auto file =
        store.cache_dir() / ("code-" + hash::sha256_of(repo->workdir.string()).short_hex(16));
    if (auto known = read_remembered(file, k_code_magic, repo->workdir);
        known && known->is_object())
        return std::optional<CodeRecord>(from_json(*known));

    // Stamps first, then the answer: a change in between makes the stamps
    // stale, so the next call asks again; never the other way round.
    MLCI_TRY_ASSIGN(tracked, vcs::git_tracked_files(repo->workdir));
    Stamps stamps;
    for (auto& f : vcs::git_state_files(repo->gitdir))
        stamps.emplace_back(f.lexically_relative(repo->workdir).string(), stamp_of(f));
    for (auto& t : tracked)
        stamps.emplace_back(t, stamp_of(repo->workdir / t));
    MLCI_TRY_ASSIGN(code, ask_git(project));
    if (code)
        remember(file, k_code_magic, to_json(*code), stamps);
    return code;
}

} // namespace mlci::train
