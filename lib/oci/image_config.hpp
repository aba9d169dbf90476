// The image config (OCI image-spec config.md): what a runtime needs to run
// the image. mlci edits the base image's config as a JSON document, so that
// fields it does not know (Healthcheck, StopSignal, os.features...) survive.
#pragma once

#include <map>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::oci {

// What `mlci package` changes in the base's config. Unset fields keep the base's.
struct ConfigChanges {
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::vector<std::string>> cmd;
    std::vector<std::string> env; // "K=V", replacing the base's K
    std::optional<std::string> workdir;
    std::vector<std::string> ports; // "8080/tcp"
    std::map<std::string, std::string> labels;
};

// The config of an empty image: amd64/linux, no layers.
nlohmann::json scratch_config();

// `base` with `c` applied. As in a Dockerfile, a new entrypoint clears the
// base's cmd unless a cmd is given too.
nlohmann::json apply_changes(nlohmann::json base, const ConfigChanges& c);

// Appends a layer's diff_id to rootfs and a history entry describing it.
void add_layer(nlohmann::json& config, const hash::Digest& diff_id, const std::string& created,
               const std::string& created_by, const std::string& comment);

// Sets the config's creation time.
void set_created(nlohmann::json& config, const std::string& created);

// The diff_ids of rootfs; a usage error naming `where` when malformed.
Result<std::vector<hash::Digest>> diff_ids(const nlohmann::json& config, std::string_view where);

// Checks "K=V" (K not empty, no '=' in K).
Status validate_env(std::string_view kv);
// "8080" or "8080/tcp" or "53/udp" as "PORT/PROTO"; a usage error otherwise.
Result<std::string> normalise_port(std::string_view text);

} // namespace mlci::oci
