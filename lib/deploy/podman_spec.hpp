// The parts of a `podman:` target that are text: its spec, the names of the
// containers it keeps, the port it publishes and the URL a health check
// reaches a container on before it takes that port.
//
//   podman:NAME                         a container named NAME, no port published
//   podman:NAME:HOST_PORT               HOST_PORT to the image's one exposed port
//   podman:NAME:HOST_PORT:CONTAINER_PORT
//   podman:NAME:IP:HOST_PORT[:CONTAINER_PORT]   bound to IP only (127.0.0.1, ...)
//
// The port is part of the spec, not a separate setting, so that the target a
// deployment records (and `deploy rollback` goes back to) serves where it did.
#pragma once

#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::deploy {

struct PodmanPublish {
    std::string address;         // empty: every address (podman's default)
    unsigned host_port = 0;      // 1..65535
    unsigned container_port = 0; // 0: the image's one exposed port
};

struct PodmanSpec {
    std::string name; // the serving container's name
    std::optional<PodmanPublish> publish;
};

// Parses what follows `podman:`; a usage error naming the part that is wrong.
Result<PodmanSpec> parse_podman_spec(std::string_view spec);

// The containers a target named NAME keeps: NAME serves; NAME-next is a new
// release checked on a side port before the switch; NAME-previous is the old
// one, stopped, until the new one passed its check (then removed).
struct PodmanNames {
    std::string serving, next, previous;
};
PodmanNames podman_names(std::string_view name);

// The container port to publish: the spec's, else the one port the image
// config (an OCI image config document) exposes; a usage error when it
// exposes none or several and the spec names none.
Result<unsigned> container_port(const PodmanPublish& p, const nlohmann::json& image_config);

// podman's `-p` value: [IP:]HOST_PORT:CONTAINER_PORT.
std::string publish_arg(const PodmanPublish& p, unsigned container_port);

// The URL the published port answers on: http://ADDRESS:HOST_PORT (the
// loopback address when it is published on every address).
std::string published_url(const PodmanPublish& p);

// `url` with its host and port replaced by `authority` (HOST:PORT), path and
// query kept: an HTTP health check written for the published port, aimed at
// the side port a new container is checked on.
std::string with_authority(std::string_view url, std::string_view authority);

// The host port in `podman port` output ("127.0.0.1:41234" a line); 0 when
// there is none.
unsigned parse_podman_port(std::string_view output);

} // namespace mlci::deploy
