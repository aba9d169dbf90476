// Where a deploy puts a package: a host folder (dir), a git repository of
// deployment manifests (gitops), a container on this host (podman), or any
// command (exec). Each target can make a release current and put the
// previous one back.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mlci/core/error.hpp>
#include <mlci/deploy/health.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::deploy {

namespace fs = std::filesystem;

// A package on its way to an environment.
struct Release {
    store::Descriptor descriptor; // the package manifest
    store::Manifest manifest;
    std::string reference; // the package as named in the store
    std::string environment;
    std::string image; // REPOSITORY@sha256:... when the environment names an image
};

// The releases a dir target keeps unless told otherwise, the current one included.
inline constexpr unsigned k_default_keep = 5;

struct TargetSettings {
    std::string spec;               // dir:PATH, gitops:URL#FILE, podman:NAME, exec:COMMAND
    std::string pre_start;          // dir: a shell command run in the unpacked release
    unsigned keep = k_default_keep; // dir: releases kept
    std::string image;              // gitops, exec: the repository the package was pushed to
    std::string values_key, branch; // gitops
    // dir: where the package's layers are read; gitops: where the clone is
    // cached. deploy_package() fills them in from its store when unset.
    const store::Store* store = nullptr;
    fs::path work_dir;
    std::string message; // gitops: the commit message
    std::string runtime; // podman: its --runtime (runc, crun, a path); empty: podman's default
    // podman: the environment's health check, run against the new container
    // before the switch (deploy_package() fills it in).
    HealthCheck health;
    // Lines of output from hooks and commands, for the terminal.
    std::function<void(std::string_view)> on_output;
    // A note for the person deploying (something the target left alone).
    std::function<void(const std::string&)> on_note;
};

class Target {
public:
    virtual ~Target() = default;
    // Makes `r` what runs. On an error nothing was switched (or the switch
    // was undone). Returns what the target did, for the deployment record.
    virtual Result<nlohmann::json> apply(const Release& r) = 0;
    // Puts `previous` back after `failed` did not pass its health check;
    // with no previous release, takes `failed` out where the target can.
    virtual Status revert(const Release& failed, const std::optional<Release>& previous) = 0;
    // After a deploy that stays: prune old releases and the like.
    virtual Status finish(const Release&) { return {}; }
    // The folder and environment a health check command runs in.
    virtual fs::path health_cwd() const { return fs::current_path(); }
    virtual void health_env(const Release&, std::vector<std::string>&) const {}
};

// The environment every hook and command of a deploy gets: MLCI_ENV,
// MLCI_DIGEST, MLCI_PACKAGE, MLCI_IMAGE and the package's annotations as
// MLCI_ANNOTATION_<KEY> (uppercased, other characters as '_').
std::vector<std::string> release_environment(const Release& r);

// Parses a target spec and opens it (a usage error for an unknown kind).
Result<std::unique_ptr<Target>> open_target(const TargetSettings& settings);

// One-folder-per-release layout of a dir target. Refuses (a usage error) a
// folder that is `/`, the store, inside it or holding it, and a layout
// whose `current` is not the symlink mlci switches.
Result<std::unique_ptr<Target>> open_dir_target(const fs::path& root, const TargetSettings& s);
Result<std::unique_ptr<Target>> open_exec_target(const std::string& command,
                                                 const TargetSettings& s);
Result<std::unique_ptr<Target>> open_gitops_target(const std::string& spec,
                                                   const TargetSettings& s);
// A container on this host run by podman (lib/deploy/podman_spec.hpp has
// the spec); undoes what a deploy killed half way left there.
Result<std::unique_ptr<Target>> open_podman_target(const std::string& spec,
                                                   const TargetSettings& s);

} // namespace mlci::deploy
