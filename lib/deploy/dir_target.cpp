// A `dir` target: releases/<digest>/ holds each unpacked package and the
// symlink `current` names the one that runs. Switching is one rename of a
// new symlink over `current`, so a reader sees the old release or the new
// one, never a half-unpacked folder.
#include <algorithm>
#include <fmt/format.h>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/deploy/target.hpp>
#include <mlci/deploy/unpack.hpp>
#include <mlci/run/process.hpp>
#include <unistd.h>

namespace mlci::deploy {

namespace {

constexpr const char* k_current = "current";
constexpr const char* k_releases = "releases";

class DirTarget final : public Target {
public:
    DirTarget(fs::path root, TargetSettings s, FileLock lock)
        : m_root(std::move(root)), m_settings(std::move(s)), m_lock(std::move(lock)) {}

    Result<nlohmann::json> apply(const Release& r) override {
        auto name = std::string(r.descriptor.digest.hex());
        auto release = m_root / k_releases / name;
        std::error_code ec;
        nlohmann::json info = {{"root", m_root.string()}, {"release", release.string()}};
        if (!fs::is_directory(release, ec)) {
            MLCI_TRY_ASSIGN(stats, unpack_staged(r, release));
            info["unpacked"] = {{"files", stats.files}, {"bytes", stats.bytes}};
        } else {
            info["unpacked"] = nullptr; // deployed before: the folder is complete
        }
        if (!m_settings.pre_start.empty())
            MLCI_TRY(pre_start(r, release));
        MLCI_TRY(switch_to(fs::path(k_releases) / name));
        // The newest mtime marks the most recently deployed release for pruning.
        fs::last_write_time(release, fs::file_time_type::clock::now(), ec);
        return info;
    }

    Status revert(const Release&, const std::optional<Release>& previous) override {
        if (previous)
            return switch_to(fs::path(k_releases) / std::string(previous->descriptor.digest.hex()));
        std::error_code ec;
        fs::remove(m_root / k_current, ec);
        if (ec)
            return runtime_error("cannot remove {}: {}", (m_root / k_current).string(),
                                 ec.message());
        return sync_dir(m_root);
    }

    Status finish(const Release& r) override { return prune(r); }

    fs::path health_cwd() const override { return m_root; }
    void health_env(const Release&, std::vector<std::string>& env) const override {
        run::set_env(env, "MLCI_RELEASE_DIR", (m_root / k_current).string());
    }

private:
    // Unpacks into a staging folder and renames it into place: a crash
    // leaves only a staging folder, removed by the next deploy.
    Result<UnpackStats> unpack_staged(const Release& r, const fs::path& release) {
        auto staging = m_root / k_releases /
                       fmt::format(".staging-{}-{}", r.descriptor.digest.short_hex(), getpid());
        std::error_code ec;
        fs::create_directories(staging, ec);
        if (ec)
            return runtime_error("cannot create {}: {}", staging.string(), ec.message());
        auto stats = unpack_image(*m_settings.store, r.manifest, staging);
        if (!stats) {
            fs::remove_all(staging, ec);
            return std::unexpected(stats.error());
        }
        MLCI_TRY(sync_dir(staging));
        fs::rename(staging, release, ec);
        if (ec) {
            fs::remove_all(staging, ec);
            return runtime_error("cannot move the release into {}: {}", release.string(),
                                 ec.message());
        }
        MLCI_TRY(sync_dir(release.parent_path()));
        return stats;
    }

    Status pre_start(const Release& r, const fs::path& release) {
        auto env = release_environment(r);
        run::set_env(env, "MLCI_RELEASE_DIR", release.string());
        run::ProcessSpec spec;
        spec.argv = {"/bin/sh", "-c", m_settings.pre_start};
        spec.env = std::move(env);
        spec.cwd = release;
        spec.on_output = m_settings.on_output;
        MLCI_TRY_ASSIGN(result, run::run_process(spec));
        if (result.exit_code != 0)
            return std::unexpected(
                Error{Exit::gate, fmt::format("pre-start hook `{}` exited {}; "
                                              "the release was not switched in",
                                              m_settings.pre_start, result.exit_code)});
        return {};
    }

    Status switch_to(const fs::path& relative) {
        auto link = m_root / k_current;
        auto temp = m_root / fmt::format(".current-{}", getpid());
        std::error_code ec;
        fs::remove(temp, ec);
        fs::create_directory_symlink(relative, temp, ec);
        if (ec)
            return runtime_error("cannot create a symlink in {}: {}", m_root.string(),
                                 ec.message());
        fs::rename(temp, link, ec); // rename(2) replaces `current` atomically
        if (ec) {
            fs::remove(temp, ec);
            return runtime_error("cannot switch {}: {}", link.string(), ec.message());
        }
        return sync_dir(m_root);
    }

    // Keeps the newest `keep` releases (the current one always).
    Status prune(const Release& r) {
        std::error_code ec;
        std::vector<std::pair<fs::file_time_type, fs::path>> releases;
        for (auto& e : fs::directory_iterator(m_root / k_releases, ec)) {
            auto name = e.path().filename().string();
            if (name.starts_with(".staging-")) {
                fs::remove_all(e.path(), ec); // left by a crash: we hold the target lock
                continue;
            }
            if (name != r.descriptor.digest.hex() && e.is_directory(ec))
                releases.emplace_back(fs::last_write_time(e.path(), ec), e.path());
        }
        std::sort(releases.begin(), releases.end(), std::greater<>());
        auto keep_others = m_settings.keep > 0 ? m_settings.keep - 1 : 0;
        for (size_t i = keep_others; i < releases.size(); ++i) {
            // Renamed first so that a half-deleted release never looks whole.
            auto doomed = releases[i].second.parent_path() /
                          (".staging-deleted-" + releases[i].second.filename().string());
            fs::rename(releases[i].second, doomed, ec);
            if (!ec)
                fs::remove_all(doomed, ec);
        }
        return {};
    }

    fs::path m_root;
    TargetSettings m_settings;
    FileLock m_lock;
};

} // namespace

Result<std::unique_ptr<Target>> open_dir_target(const fs::path& root, const TargetSettings& s) {
    std::error_code ec;
    fs::create_directories(root / k_releases, ec);
    if (ec)
        return runtime_error("cannot create {}: {}", (root / k_releases).string(), ec.message());
    // Several stores (CI runners) may deploy to one host folder: the lock
    // lives in the folder itself.
    auto lock = FileLock::try_acquire(root / ".mlci-deploy.lock", FileLock::Mode::exclusive);
    if (!lock)
        return std::unexpected(lock.error());
    if (!*lock)
        return runtime_error("{} is being deployed to by another process; try again when it "
                             "finishes",
                             root.string());
    if (!s.store)
        return runtime_error("a dir target needs the store to read the package from");
    return std::unique_ptr<Target>(std::make_unique<DirTarget>(root, s, std::move(**lock)));
}

} // namespace mlci::deploy
