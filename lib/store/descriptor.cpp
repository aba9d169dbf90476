#include <algorithm>
#include <mlci/core/json.hpp>
#include <mlci/store/descriptor.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::store {

nlohmann::json to_json(const Descriptor& d) {
    nlohmann::json j{{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
    if (!d.artifact_type.empty())
        j["artifactType"] = d.artifact_type;
    if (!d.annotations.empty())
        j["annotations"] = d.annotations;
    if (d.platform)
        j["platform"] = *d.platform;
    return j;
}

namespace {

// Whether `j` has arrays or objects more than `levels` deep.
bool nests_deeper(const nlohmann::json& j, size_t levels) {
    if (!j.is_structured())
        return false;
    if (levels == 0)
        return true;
    return std::any_of(j.begin(), j.end(),
                       [&](const nlohmann::json& v) { return nests_deeper(v, levels - 1); });
}

} // namespace

Result<Descriptor> descriptor_from_json(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string())
        return usage_error("descriptor without a digest");
    Descriptor d;
    MLCI_TRY_ASSIGN(digest, hash::Digest::parse(j["digest"].get<std::string>()));
    d.digest = digest;
    if (auto it = j.find("mediaType"); it != j.end() && it->is_string())
        d.media_type = it->get<std::string>();
    if (auto it = j.find("size"); it != j.end() && it->is_number_unsigned())
        d.size = it->get<uint64_t>();
    else if (it != j.end() && it->is_number_integer() && it->get<int64_t>() >= 0)
        d.size = static_cast<uint64_t>(it->get<int64_t>());
    else
        return usage_error("descriptor '{}' has no valid size", d.digest.str());
    if (auto it = j.find("artifactType"); it != j.end() && it->is_string())
        d.artifact_type = it->get<std::string>();
    if (auto it = j.find("annotations"); it != j.end() && it->is_object())
        for (auto& [k, v] : it->items())
            if (v.is_string())
                d.annotations[k] = v.get<std::string>();
    // Kept as-is, so bounded: copying or dumping JSON recurses once a level,
    // and a registry could send a platform nested a million levels deep.
    if (auto it = j.find("platform"); it != j.end()) {
        if (nests_deeper(*it, 8))
            return usage_error("descriptor '{}' has a malformed platform", d.digest.str());
        d.platform = *it;
    }
    return d;
}

nlohmann::json to_json(const Manifest& m) {
    nlohmann::json j{{"schemaVersion", 2},
                     {"mediaType", m.media_type.empty() ? k_oci_manifest : m.media_type},
                     {"config", to_json(m.config)},
                     {"layers", nlohmann::json::array()}};
    if (!m.artifact_type.empty())
        j["artifactType"] = m.artifact_type;
    for (auto& l : m.layers)
        j["layers"].push_back(to_json(l));
    if (m.subject)
        j["subject"] = to_json(*m.subject);
    if (!m.annotations.empty())
        j["annotations"] = m.annotations;
    return j;
}

Result<Manifest> parse_manifest(std::string_view text, std::string_view where) {
    MLCI_TRY_ASSIGN(j, parse_json_object(text, fmt::format("manifest '{}'", where)));
    Manifest m;
    // Not j.value(): it throws when the member is there with another type.
    m.media_type = k_oci_manifest;
    if (auto it = j.find("mediaType"); it != j.end() && it->is_string())
        m.media_type = it->get<std::string>();
    if (auto it = j.find("artifactType"); it != j.end() && it->is_string())
        m.artifact_type = it->get<std::string>();
    if (!j.contains("config"))
        return usage_error("malformed manifest '{}': no config", where);
    auto with_where = [&](Error e) {
        e.message = fmt::format("malformed manifest '{}': {}", where, e.message);
        return std::unexpected(e);
    };
    auto config = descriptor_from_json(j["config"]);
    if (!config)
        return with_where(config.error());
    m.config = *config;
    if (auto it = j.find("layers"); it != j.end() && it->is_array())
        for (auto& l : *it) {
            auto d = descriptor_from_json(l);
            if (!d)
                return with_where(d.error());
            m.layers.push_back(*d);
        }
    if (auto it = j.find("subject"); it != j.end()) {
        auto d = descriptor_from_json(*it);
        if (!d)
            return with_where(d.error());
        m.subject = *d;
    }
    if (auto it = j.find("annotations"); it != j.end() && it->is_object())
        for (auto& [k, v] : it->items())
            if (v.is_string())
                m.annotations[k] = v.get<std::string>();
    return m;
}

std::string canonical(const nlohmann::json& j) {
    return j.dump();
}

} // namespace mlci::store
