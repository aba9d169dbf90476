#include <mlci/core/json.hpp>
#include <mlci/store/artifact_json.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>

namespace mlci::store {

std::string kind_of(const Manifest& m) {
    if (auto it = m.annotations.find(k_ann_kind); it != m.annotations.end())
        return it->second;
    if (!m.artifact_type.empty())
        return m.artifact_type;
    return m.config.media_type == k_oci_config ? "image" : m.config.media_type;
}

Result<nlohmann::json> artifact_json(const Store& store, const IndexEntry& entry) {
    MLCI_TRY_ASSIGN(manifest, store.read_manifest(entry.descriptor.digest));
    MLCI_TRY_ASSIGN(text, store.read_blob(entry.descriptor.digest));
    MLCI_TRY_ASSIGN(stored, parse_json(text, "manifest"));
    nlohmann::json doc{{"reference", display_name(entry)},
                       {"digest", entry.descriptor.digest.str()},
                       {"kind", kind_of(manifest)},
                       {"manifest", std::move(stored)}};
    // A config that is not there or not JSON (an image's may be neither) is
    // no reason to show nothing.
    if (auto config = store.read_blob(manifest.config.digest); config)
        if (auto j = parse_json(*config, "config"))
            doc["config"] = std::move(*j);
    return doc;
}

} // namespace mlci::store
