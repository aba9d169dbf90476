#include <algorithm>
#include <cctype>
#include <chrono>
#include <mlci/core/file_lock.hpp>
#include <mlci/deploy/gitops.hpp>
#include <mlci/deploy/yaml_image_edit.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/vcs/git.hpp>
#include <mlci/vcs/git_mirror.hpp>
#include <optional>
#include <random>
#include <thread>

namespace mlci::deploy {

namespace {

namespace fs = std::filesystem;

// The folder of a repository's clone in the cache: readable, and unique per URL.
fs::path cache_dir(const fs::path& work_dir, const std::string& url) {
    std::string shown = vcs::strip_credentials(url);
    std::string_view name = shown;
    while (name.ends_with('/'))
        name.remove_suffix(1);
    if (auto slash = name.find_last_of("/:"); slash != std::string_view::npos)
        name.remove_prefix(slash + 1);
    if (name.ends_with(".git"))
        name.remove_suffix(4);
    std::string clean;
    for (char c : name)
        clean += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    if (clean.empty())
        clean = "repo";
    return work_dir / fmt::format("{}-{}", clean, hash::sha256_of(shown).short_hex(12));
}

void backoff(int attempt) {
    static thread_local std::minstd_rand rng(std::random_device{}());
    auto base = std::chrono::milliseconds(100) * (1 << std::min(attempt, 4));
    auto jitter = std::chrono::milliseconds(rng() % 100);
    std::this_thread::sleep_for(base + jitter);
}

// Pins the image in the files at `head`; the files that change, with their
// new text. Fills in what the result says about the files.
Result<std::vector<std::pair<std::string, std::string>>>
pin_files(vcs::GitMirror& mirror, const std::string& head, const std::string& branch,
          const GitopsTarget& target, const ImagePin& pin, GitopsResult& result) {
    std::vector<std::pair<std::string, std::string>> changed;
    result.files_changed.clear();
    result.previous_image.clear();
    for (const auto& file : target.files) {
        MLCI_TRY_ASSIGN(text, mirror.read(head, file));
        if (!text)
            return usage_error("'{}' not found on branch '{}' of '{}'", file, branch,
                               mirror.shown_url());
        MLCI_TRY_ASSIGN(pinned, pin_image_in_yaml(*text, pin, target.values_key, file));
        if (pinned.matches == 0)
            return usage_error("no image '{}' in '{}' on branch '{}' of '{}' (check the "
                               "repository name and the file)",
                               pin.repository, file, branch, mirror.shown_url());
        if (result.previous_image.empty())
            result.previous_image = pinned.previous_image;
        if (pinned.changed) {
            result.files_changed.push_back(file);
            changed.emplace_back(file, std::move(pinned.text));
        }
    }
    return changed;
}

} // namespace

Result<GitopsTarget> parse_gitops_target(std::string_view spec) {
    auto hash_at = spec.rfind('#');
    if (hash_at == std::string_view::npos || hash_at == 0)
        return usage_error("invalid gitops target '{}' (expected REPO_URL#FILE[,FILE...])",
                           vcs::strip_credentials(std::string(spec)));
    GitopsTarget target;
    target.url = std::string(spec.substr(0, hash_at));
    std::string_view files = spec.substr(hash_at + 1);
    std::string shown = vcs::strip_credentials(target.url);
    while (true) {
        auto comma = files.find(',');
        std::string file(files.substr(0, comma));
        if (file.empty())
            return usage_error("empty file name in gitops target '{}#{}'", shown,
                               spec.substr(hash_at + 1));
        fs::path p(file);
        bool escapes = false;
        for (const auto& part : p)
            escapes = escapes || part == "..";
        if (p.is_absolute() || escapes)
            return usage_error("file '{}' of gitops target '{}' must be a path inside the "
                               "repository",
                               file, shown);
        while (file.starts_with("./"))
            file.erase(0, 2);
        if (std::find(target.files.begin(), target.files.end(), file) == target.files.end())
            target.files.push_back(std::move(file));
        if (comma == std::string_view::npos)
            break;
        files.remove_prefix(comma + 1);
    }
    return target;
}

Result<GitopsResult> gitops_deploy(const GitopsTarget& target, const ImagePin& pin,
                                   const GitopsOptions& options) {
    std::string shown = vcs::strip_credentials(target.url);
    if (target.url.empty() || target.files.empty())
        return usage_error("a gitops target needs a repository URL and at least one file");
    if (pin.repository.empty())
        return usage_error("no image repository to pin in '{}'", shown);
    MLCI_TRY(hash::Digest::parse(pin.digest));
    if (options.work_dir.empty())
        return usage_error("no folder given for the clone of '{}'", shown);

    std::error_code ec;
    fs::create_directories(options.work_dir, ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", options.work_dir.string(), ec.message());
    auto cache = cache_dir(options.work_dir, target.url);
    // One deploy at a time uses a cache; others wait for it.
    MLCI_TRY_ASSIGN(
        lock, FileLock::acquire(fs::path(cache.string() + ".lock"), FileLock::Mode::exclusive));
    MLCI_TRY_ASSIGN(mirror, vcs::GitMirror::open(cache, target.url));
    auto author = vcs::commit_author(options.author_name, options.author_email);
    std::string branch = target.branch;
    if (branch.empty()) {
        MLCI_TRY_ASSIGN(head_branch, mirror.default_branch());
        branch = head_branch;
    }
    const std::string message = options.message.empty() ? "mlci deploy" : options.message;

    GitopsResult result;
    const int max_attempts = std::max(1, options.max_attempts);
    std::string refused_base; // the head a refused push was made on
    std::string refusal;
    for (int attempt = 1;; ++attempt) {
        // Each attempt starts from the remote's head: nothing local carries over,
        // and after a refusal this re-applies the edit on top of what others pushed.
        MLCI_TRY_ASSIGN(head, mirror.fetch(branch));
        // Refused though nobody else pushed: a hook or a protected branch.
        if (head == refused_base)
            return runtime_error("'{}' refused the push to branch '{}': {}", shown, branch,
                                 refusal);
        MLCI_TRY_ASSIGN(files, pin_files(mirror, head, branch, target, pin, result));
        if (files.empty()) {
            result.changed = false;
            result.commit = head;
            return result;
        }
        MLCI_TRY_ASSIGN(commit, mirror.commit(head, files, branch, message, author));
        result.attempts = attempt;
        if (options.before_push)
            options.before_push();
        MLCI_TRY_ASSIGN(refused, mirror.push(branch));
        if (!refused) {
            result.changed = true;
            result.commit = commit;
            return result;
        }
        refused_base = head;
        refusal = *refused;
        if (attempt >= max_attempts)
            return runtime_error("push to branch '{}' of '{}' refused {} times, others keep "
                                 "pushing to it (try again): {}",
                                 branch, shown, attempt, refusal);
        backoff(attempt);
    }
}

} // namespace mlci::deploy
