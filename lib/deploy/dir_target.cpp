// A `dir` target: releases/<digest>/ holds each unpacked package and the
// symlink `current` names the one that runs. Switching is one rename of a
// new symlink over `current`, so a reader sees the old release or the new
// one, never a half-unpacked folder.
//
// The folder may hold things mlci did not make: only what mlci's own naming
// and the store's deployment records say it made is ever removed, and a
// `current` that is not a symlink is never replaced.
#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/deploy/target.hpp>
#include <mlci/deploy/unpack.hpp>
#include <mlci/process/process.hpp>
#include <unistd.h>

namespace mlci::deploy {

namespace {

constexpr const char* k_current = "current";
constexpr const char* k_releases = "releases";
constexpr std::string_view k_staging = ".staging-";
constexpr std::string_view k_deleted = ".staging-deleted-";
constexpr size_t k_short_hex = 12; // the digest prefix in a staging folder's name

bool all_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A release folder's name: a sha256 digest in hex.
bool is_release_name(std::string_view name) {
    return name.size() == 64 && all_hex(name);
}

// A name only mlci's staging makes: .staging-<12 hex>-<pid> while unpacking,
// .staging-deleted-<digest> while pruning.
bool is_staging_name(std::string_view name) {
    if (name.starts_with(k_deleted))
        return is_release_name(name.substr(k_deleted.size()));
    if (!name.starts_with(k_staging))
        return false;
    auto rest = name.substr(k_staging.size());
    return rest.size() > k_short_hex + 1 && all_hex(rest.substr(0, k_short_hex)) &&
           rest[k_short_hex] == '-' && all_digits(rest.substr(k_short_hex + 1));
}

// A real folder, not a symlink to one: what remove_all may empty.
bool is_real_dir(const fs::path& p) {
    std::error_code ec;
    return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

// `current` must be absent or a symlink: mlci replaces it at each switch,
// and a file or folder there is someone's data, not mlci's.
Status check_current(const fs::path& root) {
    auto link = root / k_current;
    std::error_code ec;
    auto st = fs::symlink_status(link, ec);
    if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::symlink)
        return {};
    if (ec)
        return runtime_error("cannot read {}: {}", link.string(), ec.message());
    return usage_error("'{}' is a {}, not the symlink mlci switches between releases: move it "
                       "away (mlci never replaces it), then deploy again",
                       link.string(), st.type() == fs::file_type::directory ? "folder" : "file");
}

// The path as it is on disk (symlinks resolved where it exists), without a
// trailing separator, for comparing folders.
fs::path resolved(const fs::path& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    if (ec)
        c = fs::absolute(p, ec);
    c = c.lexically_normal();
    if (!c.has_filename() && c != c.root_path())
        c = c.parent_path();
    return c;
}

// A target must not be `/`, the store, inside it, or hold it: pruning and
// unpacking there would mix releases with the store's own files.
Status check_target_folder(const fs::path& root, const fs::path& store_root) {
    auto target = resolved(root);
    auto store = resolved(store_root);
    if (target == target.root_path())
        return usage_error("refusing to deploy to '{}': give a folder of its own, such as "
                           "dir:/srv/NAME",
                           target.string());
    if (!relative_inside(target, store).empty())
        return usage_error("refusing to deploy to '{}': it is inside the store '{}'; give a "
                           "folder outside it",
                           target.string(), store.string());
    if (!relative_inside(store, target).empty())
        return usage_error("refusing to deploy to '{}': it holds the store '{}'; give a folder "
                           "of its own",
                           target.string(), store.string());
    return {};
}

// Anything but a folder at PATH or PATH/releases is someone else's file.
Status check_folder(const fs::path& p) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (st.type() == fs::file_type::not_found || fs::is_directory(st))
        return {};
    return usage_error("'{}' is not a folder: a dir target needs PATH and PATH/releases to be "
                       "folders",
                       p.string());
}

class DirTarget final : public Target {
public:
    DirTarget(fs::path root, TargetSettings s, FileLock lock)
        : m_root(std::move(root)), m_settings(std::move(s)), m_lock(std::move(lock)) {}

    Result<nlohmann::json> apply(const Release& r) override {
        auto name = std::string(r.descriptor.digest.hex());
        auto release = m_root / k_releases / name;
        std::error_code ec;
        nlohmann::json info = {{"root", m_root.string()}, {"release", release.string()}};
        // Checked again under the lock: someone may have put a folder there.
        MLCI_TRY(check_current(m_root));
        bool unpacked = false;
        if (!fs::is_directory(release, ec)) {
            MLCI_TRY_ASSIGN(stats, unpack_staged(r, release));
            info["unpacked"] = {{"files", stats.files}, {"bytes", stats.bytes}};
            unpacked = true;
        } else {
            info["unpacked"] = nullptr; // deployed before: the folder is complete
        }
        // A release unpacked here that never ran is not left behind: nothing
        // records it, so no later prune would remove it.
        auto discard = [&](Error e) -> Result<nlohmann::json> {
            if (unpacked)
                remove_release(release);
            return std::unexpected(std::move(e));
        };
        if (!m_settings.pre_start.empty())
            if (auto started = pre_start(r, release); !started)
                return discard(started.error());
        if (auto switched = switch_to(fs::path(k_releases) / name); !switched)
            return discard(switched.error());
        return info;
    }

    Status revert(const Release&, const std::optional<Release>& previous) override {
        if (previous)
            return switch_to(fs::path(k_releases) / std::string(previous->descriptor.digest.hex()));
        auto link = m_root / k_current;
        std::error_code ec;
        if (fs::symlink_status(link, ec).type() != fs::file_type::symlink)
            return {}; // not the link this deploy made: left alone
        fs::remove(link, ec);
        if (ec)
            return runtime_error("cannot remove {}: {}", link.string(), ec.message());
        return sync_dir(m_root);
    }

    Status finish(const Release& r) override { return prune(r); }

    fs::path health_cwd() const override { return m_root; }
    void health_env(const Release&, std::vector<std::string>& env) const override {
        process::set_env(env, "MLCI_RELEASE_DIR", (m_root / k_current).string());
    }

private:
    // Unpacks into a staging folder and renames it into place: a crash
    // leaves only a staging folder, removed by the next deploy.
    Result<UnpackStats> unpack_staged(const Release& r, const fs::path& release) {
        auto staging =
            m_root / k_releases /
            fmt::format("{}{}-{}", k_staging, r.descriptor.digest.short_hex(k_short_hex), getpid());
        std::error_code ec;
        // One of ours by its name, left by a crashed deploy that had our pid
        // (pids repeat in containers): never unpack over its remains.
        fs::remove_all(staging, ec);
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
            auto why = ec.message();
            fs::remove_all(staging, ec);
            return runtime_error("cannot move the release into {}: {}", release.string(), why);
        }
        MLCI_TRY(sync_dir(release.parent_path()));
        return stats;
    }

    Status pre_start(const Release& r, const fs::path& release) {
        auto env = release_environment(r);
        process::set_env(env, "MLCI_RELEASE_DIR", release.string());
        process::ProcessSpec spec;
        spec.argv = {"/bin/sh", "-c", m_settings.pre_start};
        spec.env = std::move(env);
        spec.cwd = release;
        spec.on_output = m_settings.on_output;
        MLCI_TRY_ASSIGN(result, process::run_process(spec));
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
        MLCI_TRY(check_current(m_root));
        if (fs::symlink_status(temp, ec).type() == fs::file_type::symlink)
            fs::remove(temp, ec); // ours, left by a crash; anything else stays
        fs::create_directory_symlink(relative, temp, ec);
        if (ec)
            return runtime_error("cannot create a symlink in {}: {}", m_root.string(),
                                 ec.message());
        fs::rename(temp, link, ec); // rename(2) replaces `current` atomically
        if (ec) {
            auto why = ec.message(); // before remove() overwrites ec
            fs::remove(temp, ec);
            return runtime_error("cannot switch {}: {}", link.string(), why);
        }
        return sync_dir(m_root);
    }

    // Renamed first so that a half-deleted release never looks whole; the
    // new name is a staging name, so a crash here is cleaned up later.
    void remove_release(const fs::path& release) {
        std::error_code ec;
        auto doomed =
            release.parent_path() / (std::string(k_deleted) + release.filename().string());
        fs::rename(release, doomed, ec);
        if (!ec)
            fs::remove_all(doomed, ec);
    }

    // The releases of this folder that deployments recorded in the store
    // made, by name, with the rank of their newest deployment (higher is
    // more recent).
    Result<std::map<std::string, size_t>> recorded_releases() const {
        MLCI_TRY_ASSIGN(all, all_deployments(*m_settings.store));
        std::map<std::string, size_t> rank;
        auto releases = m_root / k_releases;
        for (size_t i = 0; i < all.size(); ++i) {
            auto& info = all[i].deployment.target_info;
            auto root = info.find("root"), release = info.find("release");
            if (root == info.end() || release == info.end() || !root->is_string() ||
                !release->is_string())
                continue;
            fs::path path(release->get<std::string>());
            if (fs::path(root->get<std::string>()) != m_root || path.parent_path() != releases ||
                !is_release_name(path.filename().string()))
                continue;
            rank[path.filename().string()] = i;
        }
        return rank;
    }

    // Keeps the newest `keep` releases (the current one always). Removes only
    // releases that a recorded deployment made and staging folders that
    // mlci's naming made; anything else in releases/ is someone's and stays.
    Status prune(const Release& r) {
        MLCI_TRY_ASSIGN(recorded, recorded_releases());
        std::error_code ec;
        std::vector<std::pair<size_t, fs::path>> releases;
        std::vector<std::string> foreign;
        auto current = std::string(r.descriptor.digest.hex());
        for (auto& e : fs::directory_iterator(m_root / k_releases, ec)) {
            auto name = e.path().filename().string();
            if (is_staging_name(name)) {
                std::error_code rec;
                if (is_real_dir(e.path()))
                    fs::remove_all(e.path(), rec); // left by a crash: we hold the target lock
                continue;
            }
            if (name == current)
                continue;
            auto it = recorded.find(name);
            if (it == recorded.end() || !is_real_dir(e.path())) {
                foreign.push_back(name);
                continue;
            }
            releases.emplace_back(it->second, e.path());
        }
        if (ec)
            return runtime_error("cannot list {}: {}", (m_root / k_releases).string(),
                                 ec.message());
        std::sort(releases.begin(), releases.end(), std::greater<>());
        auto keep_others = m_settings.keep > 0 ? size_t(m_settings.keep) - 1 : 0;
        for (size_t i = keep_others; i < releases.size(); ++i)
            remove_release(releases[i].second);
        if (!foreign.empty() && m_settings.on_note) {
            std::sort(foreign.begin(), foreign.end());
            std::string names;
            for (size_t i = 0; i < foreign.size() && i < 5; ++i)
                names += fmt::format("{}'{}'", i ? ", " : "", foreign[i]);
            if (foreign.size() > 5)
                names += fmt::format(" and {} more", foreign.size() - 5);
            m_settings.on_note(fmt::format("note: left {} in {} alone: no deployment recorded in "
                                           "this store made {}",
                                           names, (m_root / k_releases).string(),
                                           foreign.size() == 1 ? "it" : "them"));
        }
        return {};
    }

    fs::path m_root;
    TargetSettings m_settings;
    FileLock m_lock;
};

} // namespace

Result<std::unique_ptr<Target>> open_dir_target(const fs::path& root, const TargetSettings& s) {
    if (!s.store)
        return runtime_error("a dir target needs the store to read the package from");
    // Refusals come before anything is created or changed.
    MLCI_TRY(check_target_folder(root, s.store->root()));
    MLCI_TRY(check_folder(root));
    MLCI_TRY(check_folder(root / k_releases));
    MLCI_TRY(check_current(root));
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
    return std::unique_ptr<Target>(std::make_unique<DirTarget>(root, s, std::move(**lock)));
}

} // namespace mlci::deploy
