#include <charconv>
#include <mlci/oci/image_config.hpp>

namespace mlci::oci {

nlohmann::json scratch_config() {
    return {{"architecture", "amd64"},
            {"os", "linux"},
            {"config", nlohmann::json::object()},
            {"rootfs", {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}}},
            {"history", nlohmann::json::array()}};
}

nlohmann::json apply_changes(nlohmann::json base, const ConfigChanges& c) {
    if (!base.is_object())
        base = scratch_config();
    // Docker's record of the step that built the base, not of this image.
    base.erase("container");
    base.erase("container_config");
    base.erase("docker_version");
    if (!base.contains("architecture"))
        base["architecture"] = "amd64";
    if (!base.contains("os"))
        base["os"] = "linux";
    auto& cfg = base["config"];
    if (!cfg.is_object())
        cfg = nlohmann::json::object();
    if (c.entrypoint) {
        cfg["Entrypoint"] = *c.entrypoint;
        if (!c.cmd)
            cfg.erase("Cmd");
    }
    if (c.cmd)
        cfg["Cmd"] = *c.cmd;
    if (!c.env.empty()) {
        std::vector<std::string> env;
        if (auto it = cfg.find("Env"); it != cfg.end() && it->is_array())
            for (auto& e : *it)
                if (e.is_string())
                    env.push_back(e.get<std::string>());
        for (auto& kv : c.env) {
            auto key = kv.substr(0, kv.find('=') + 1);
            std::erase_if(env, [&](const std::string& e) { return e.starts_with(key); });
            env.push_back(kv);
        }
        cfg["Env"] = env;
    }
    if (c.workdir)
        cfg["WorkingDir"] = *c.workdir;
    if (!c.ports.empty()) {
        auto& ports = cfg["ExposedPorts"];
        if (!ports.is_object())
            ports = nlohmann::json::object();
        for (auto& p : c.ports)
            ports[p] = nlohmann::json::object();
    }
    if (!c.labels.empty()) {
        auto& labels = cfg["Labels"];
        if (!labels.is_object())
            labels = nlohmann::json::object();
        for (auto& [k, v] : c.labels)
            labels[k] = v;
    }
    return base;
}

void add_layer(nlohmann::json& config, const hash::Digest& diff_id, const std::string& created,
               const std::string& created_by, const std::string& comment) {
    auto& rootfs = config["rootfs"];
    if (!rootfs.is_object())
        rootfs = {{"type", "layers"}};
    if (!rootfs["diff_ids"].is_array())
        rootfs["diff_ids"] = nlohmann::json::array();
    rootfs["diff_ids"].push_back(diff_id.str());
    auto& history = config["history"];
    if (!history.is_array())
        history = nlohmann::json::array();
    nlohmann::json h{{"created", created}, {"created_by", created_by}};
    if (!comment.empty())
        h["comment"] = comment;
    history.push_back(std::move(h));
}

void set_created(nlohmann::json& config, const std::string& created) {
    config["created"] = created;
}

Result<std::vector<hash::Digest>> diff_ids(const nlohmann::json& config, std::string_view where) {
    std::vector<hash::Digest> out;
    auto rootfs = config.find("rootfs");
    if (rootfs == config.end() || !rootfs->is_object())
        return usage_error("malformed image config '{}': no rootfs", where);
    auto ids = rootfs->find("diff_ids");
    if (ids == rootfs->end() || !ids->is_array())
        return usage_error("malformed image config '{}': no rootfs.diff_ids", where);
    for (auto& id : *ids) {
        if (!id.is_string())
            return usage_error("malformed image config '{}': a diff_id is not a string", where);
        MLCI_TRY_ASSIGN(d, hash::Digest::parse(id.get<std::string>()));
        out.push_back(d);
    }
    return out;
}

Status validate_env(std::string_view kv) {
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return usage_error("invalid environment variable '{}' (expected NAME=VALUE)", kv);
    return {};
}

Result<std::string> normalise_port(std::string_view text) {
    auto slash = text.find('/');
    auto number = text.substr(0, slash);
    std::string_view proto = slash == std::string_view::npos ? "tcp" : text.substr(slash + 1);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), port);
    if (ec != std::errc() || p != number.data() + number.size() || port == 0 || port > 65535 ||
        (proto != "tcp" && proto != "udp" && proto != "sctp"))
        return usage_error("invalid port '{}' (expected a number from 1 to 65535, optionally "
                           "with /tcp, /udp or /sctp)",
                           text);
    return fmt::format("{}/{}", port, proto);
}

} // namespace mlci::oci
