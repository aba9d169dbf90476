// Registry credentials: where they come from, and `mlci login`'s own file.
//
// Looked up for a host in this order, the first that has them wins:
//   1. MLCI_REGISTRY_USER / MLCI_REGISTRY_PASSWORD (any host; a CI job's secret)
//   2. CI_REGISTRY_USER / CI_REGISTRY_PASSWORD when CI_REGISTRY is the host (GitLab CI)
//   3. mlci's credential file, written by `mlci login`
//   4. docker's config.json "auths" ($DOCKER_CONFIG/config.json or ~/.docker/config.json)
//
// `mlci login` writes its own file ($MLCI_AUTH_FILE, else
// $XDG_CONFIG_HOME/mlci/auth.json, else ~/.config/mlci/auth.json), mode 0600,
// in docker's "auths" format, rather than docker's config.json: that file may
// delegate to credential helpers mlci does not run, docker rewrites it
// whole, and a CI image's docker config should not change because a job ran
// mlci. Reading docker's file still reuses a `docker login`.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::registry {

struct Credentials {
    std::string username;
    std::string password;
    std::string source; // where they came from, for messages: "mlci login", ...
};

// The credentials for `host`, or none (anonymous); an error only for a
// credential file that exists but cannot be read or parsed. Once a process
// holds credentials it writes no core dumps (core/secrets.hpp).
Result<std::optional<Credentials>> find_credentials(std::string_view host);

// The file `mlci login` writes.
std::filesystem::path login_file();

// Stores credentials for `host` in the login file (created 0600, replaced atomically).
Status save_login(std::string_view host, const Credentials& creds);
// Removes them; false when there were none.
Result<bool> remove_login(std::string_view host);

// base64 as HTTP Basic and docker's "auth" use it.
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

} // namespace mlci::registry
