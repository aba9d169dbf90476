// Named remotes (`mlci remote`), as git and dvc have them: push and pull
// without a destination use the default remote, and the artifact NAME:TAG
// lives at <remote>/NAME:TAG there. A store keeps its remotes in its private
// state (mlci/remotes.json); a project may list shared ones in mlci.yaml's
// `remotes:`. For a name both define, the store's wins.
#pragma once

#include <mlci/config/project_config.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::registry {

struct NamedRemote {
    std::string name;
    std::string url; // as given: HOST[:PORT]/REPO or oci:PATH
    RemoteRef ref;   // `url` parsed
    bool plain_http = false;
    bool from_project = false; // defined in mlci.yaml and not in the store
};

struct Remotes {
    std::vector<NamedRemote> list; // sorted by name
    std::string default_name;      // empty when there is no default
    const NamedRemote* find(std::string_view name) const;
    const NamedRemote* default_remote() const { return find(default_name); }
};

// A remote name is like a git remote's: [a-z0-9][a-z0-9._-]*, at most 64.
Status validate_remote_name(std::string_view name);

// Parses a remote's URL with the parser push and pull use; a remote names a
// place, so a tag or digest is refused.
Result<RemoteRef> parse_remote_url(std::string_view url);

// The remotes of `store` merged with `project` (mlci.yaml's). The default is
// the one the store names, else the one mlci.yaml marks `default: true`.
Result<Remotes> load_remotes(const store::Store& store, const config::ProjectConfig& project);

// Adds a remote to the store. It becomes the default when `make_default` or
// when there is none yet. A name the store has already is refused.
Status add_remote(const store::Store& store, const config::ProjectConfig& project,
                  const std::string& name, const std::string& url, bool plain_http,
                  bool make_default);
// Removes a remote from the store (not from mlci.yaml: the project owns those).
Status remove_remote(const store::Store& store, const config::ProjectConfig& project,
                     const std::string& name);
// Makes a remote (of the store or of mlci.yaml) the store's default.
Status set_default_remote(const store::Store& store, const config::ProjectConfig& project,
                          const std::string& name);

// The remote `name`, or the default when `name` is empty; a usage error
// saying how to add one otherwise.
Result<NamedRemote> pick_remote(const Remotes& remotes, std::string_view name);

// Where the artifact NAME:TAG is on `remote`: the repository <url>/NAME with
// tag TAG on a registry, the ref name NAME:TAG in an oci: layout.
Result<RemoteRef> artifact_ref(const NamedRemote& remote, std::string_view name,
                               std::string_view tag);

// Splits a store tag "NAME:TAG" (TAG "latest" when absent).
std::pair<std::string, std::string> split_tag(std::string_view tag);

} // namespace mlci::registry
