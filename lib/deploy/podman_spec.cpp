#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <mlci/core/text.hpp>
#include <mlci/deploy/podman_spec.hpp>
#include <vector>

namespace mlci::deploy {

namespace {

constexpr std::string_view k_spec_forms = "podman:NAME, podman:NAME:HOST_PORT[:CONTAINER_PORT] or "
                                          "podman:NAME:IP:HOST_PORT[:CONTAINER_PORT]";

// podman's own rule for container names.
bool is_container_name(std::string_view s) {
    auto ok = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    };
    return !s.empty() && s.size() <= 200 && ok(s[0]) && s[0] != '_' && s[0] != '.' && s[0] != '-' &&
           std::all_of(s.begin(), s.end(), ok);
}

std::optional<unsigned> port_number(std::string_view s) {
    unsigned n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || n == 0 || n > 65535)
        return std::nullopt;
    return n;
}

bool all_digits_text(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits "A:B:C" at colons, an address in brackets ([::1]) kept whole.
std::vector<std::string> split_publish(std::string_view s) {
    std::vector<std::string> parts;
    std::string part;
    bool bracket = false;
    for (char c : s) {
        if (c == '[')
            bracket = true;
        else if (c == ']')
            bracket = false;
        if (c == ':' && !bracket) {
            parts.push_back(std::move(part));
            part.clear();
        } else {
            part += c;
        }
    }
    parts.push_back(std::move(part));
    return parts;
}

Result<PodmanPublish> parse_publish(std::string_view spec, std::string_view text) {
    auto parts = split_publish(text);
    PodmanPublish p;
    // Two parts are HOST_PORT:CONTAINER_PORT when the first is a number,
    // else IP:HOST_PORT.
    bool has_address = parts.size() == 3 || (parts.size() == 2 && !all_digits_text(parts[0]));
    if (parts.size() > 3)
        return usage_error("bad podman target 'podman:{}': too many ':' (expected {})", spec,
                           k_spec_forms);
    size_t i = 0;
    if (has_address) {
        p.address = parts[i++];
        if (p.address.empty() || p.address.find_first_of(" /") != std::string::npos)
            return usage_error("bad podman target 'podman:{}': '{}' is not an IP address", spec,
                               p.address);
    }
    auto host = port_number(parts[i++]);
    if (!host)
        return usage_error("bad podman target 'podman:{}': host port '{}' is not a port from 1 "
                           "to 65535",
                           spec, parts[i - 1]);
    p.host_port = *host;
    if (i < parts.size()) {
        auto inside = port_number(parts[i]);
        if (!inside)
            return usage_error("bad podman target 'podman:{}': container port '{}' is not a port "
                               "from 1 to 65535",
                               spec, parts[i]);
        p.container_port = *inside;
    }
    return p;
}

} // namespace

Result<PodmanSpec> parse_podman_spec(std::string_view spec) {
    auto colon = spec.find(':');
    PodmanSpec s;
    s.name = std::string(spec.substr(0, colon));
    if (!is_container_name(s.name))
        return usage_error("bad podman target 'podman:{}': '{}' is not a container name (letters, "
                           "digits, '_', '.', '-'; expected {})",
                           spec, s.name, k_spec_forms);
    if (colon != std::string_view::npos) {
        MLCI_TRY_ASSIGN(p, parse_publish(spec, spec.substr(colon + 1)));
        s.publish = std::move(p);
    }
    return s;
}

PodmanNames podman_names(std::string_view name) {
    return {std::string(name), fmt::format("{}-next", name), fmt::format("{}-previous", name)};
}

Result<unsigned> container_port(const PodmanPublish& p, const nlohmann::json& image_config) {
    if (p.container_port != 0)
        return p.container_port;
    std::vector<unsigned> ports;
    auto config = image_config.find("config");
    if (config != image_config.end() && config->is_object())
        if (auto exposed = config->find("ExposedPorts");
            exposed != config->end() && exposed->is_object())
            for (auto& [key, value] : exposed->items()) {
                // "8080/tcp" or "8080": published ports are TCP.
                auto slash = key.find('/');
                if (slash != std::string::npos && key.substr(slash) != "/tcp")
                    continue;
                if (auto n = port_number(std::string_view(key).substr(0, slash)))
                    ports.push_back(*n);
            }
    if (ports.size() == 1)
        return ports[0];
    return usage_error("the image exposes {} TCP ports{}: name the one to publish as "
                       "podman:NAME:HOST_PORT:CONTAINER_PORT",
                       ports.empty() ? "no" : fmt::format("{}", ports.size()),
                       ports.empty() ? " (package.ports in mlci.yaml)" : "");
}

std::string publish_arg(const PodmanPublish& p, unsigned container_port) {
    if (p.address.empty())
        return fmt::format("{}:{}", p.host_port, container_port);
    return fmt::format("{}:{}:{}", p.address, p.host_port, container_port);
}

std::string published_url(const PodmanPublish& p) {
    auto address = p.address.empty() || p.address == "0.0.0.0" ? std::string("127.0.0.1")
                   : p.address == "[::]"                       ? std::string("[::1]")
                                                               : p.address;
    return fmt::format("http://{}:{}", address, p.host_port);
}

std::string with_authority(std::string_view url, std::string_view authority) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return std::string(url);
    auto start = scheme + 3;
    auto end = url.find_first_of("/?#", start);
    auto rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
    return fmt::format("{}{}{}", url.substr(0, start), authority, rest);
}

unsigned parse_podman_port(std::string_view output) {
    unsigned found = 0;
    while (!output.empty()) {
        auto nl = output.find('\n');
        auto line = trim(output.substr(0, nl));
        output = nl == std::string_view::npos ? std::string_view() : output.substr(nl + 1);
        auto colon = line.rfind(':');
        if (colon == std::string_view::npos)
            continue;
        if (auto n = port_number(line.substr(colon + 1)); n && !found)
            found = *n;
    }
    return found;
}

} // namespace mlci::deploy
