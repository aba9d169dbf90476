// The --json documents of `mlci push`, `pull`, `remote add`, `remote list`,
// `login` and `logout`: one place that names their fields. No password or
// token goes into any of them.
#pragma once

#include <filesystem>
#include <mlci/registry/remotes.hpp>
#include <mlci/registry/transfer.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mlci::registry {

// `push`: {"reference", "digest", "tag", "blobs", "blobs_present",
// "blobs_uploaded", "bytes_uploaded", "blobs_mounted", "manifests_pushed",
// "referrers", "retries"}.
nlohmann::json to_json(const PushReport& report);

// `pull`: {"reference", "digest", "source", "blobs", "blobs_present",
// "blobs_downloaded", "bytes_downloaded", "packs_ranged", "manifests",
// "referrers", "retries", "files", "files_selected"}.
nlohmann::json to_json(const PullReport& report);

// `remote add`: {"name", "url" (as given), "default" (whether it is the
// default now)}.
nlohmann::json added_remote_json(std::string_view name, std::string_view url, bool is_default);

// `remote list`: [{"name", "url" (the parsed location), "plain_http",
// "default", "source" ("mlci.yaml" or "store")}] in the list's order.
nlohmann::json to_json(const Remotes& remotes);

// `login`: {"host", "username", "file" (where the credentials are kept)}.
nlohmann::json login_json(std::string_view host, std::string_view username,
                          const std::filesystem::path& file);
// `logout`: {"host", "removed" (whether the file had credentials for it)}.
nlohmann::json logout_json(std::string_view host, bool removed);

} // namespace mlci::registry
