#include <mlci/core/json.hpp>
#include <mlci/data/dataset_json.hpp>
#include <mlci/store/artifact_json.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::data {

nlohmann::json to_json(const AddResult& r) {
    return {{"reference", r.reference}, {"digest", r.manifest.digest.str()},
            {"files", r.files},         {"bytes", r.bytes},
            {"new_files", r.new_files}, {"new_bytes", r.new_bytes},
            {"unchanged", r.unchanged}};
}

nlohmann::json to_json(const Version& v) {
    return {{"reference", v.tag},   {"digest", v.manifest.digest.str()},
            {"created", v.created}, {"message", v.message},
            {"commit", v.commit},   {"files", v.files},
            {"size", v.size}};
}

nlohmann::json to_json(const std::vector<Version>& versions) {
    nlohmann::json doc = nlohmann::json::array();
    for (auto& v : versions)
        doc.push_back(to_json(v));
    return doc;
}

nlohmann::json to_json(const DatasetSummary& d) {
    return {{"name", d.name},
            {"latest", d.latest.tag},
            {"digest", d.latest.manifest.digest.str()},
            {"versions", d.versions},
            {"files", d.latest.files},
            {"size", d.latest.size},
            {"created", d.latest.created}};
}

nlohmann::json to_json(const std::vector<DatasetSummary>& datasets) {
    nlohmann::json doc = nlohmann::json::array();
    for (auto& d : datasets)
        doc.push_back(to_json(d));
    return doc;
}

Result<nlohmann::json> read_profile_json(const store::Store& store, const ProfileLayer& p) {
    MLCI_TRY_ASSIGN(text, store.read_blob(p.blob.digest));
    return parse_json(text, fmt::format("profile '{}'", p.blob.digest.str()));
}

Result<nlohmann::json> files_json(const store::Store& store, const Dataset& dataset) {
    nlohmann::json files = nlohmann::json::array();
    for (auto& root : dataset.roots) {
        MLCI_TRY_ASSIGN(entries, load_files(store, root.file_list));
        for (auto& f : entries)
            files.push_back({{"root", root.path},
                             {"path", f.path},
                             {"size", f.size},
                             {"mode", f.mode},
                             {"digest", f.digest.str()}});
    }
    return files;
}

Result<nlohmann::json> show_json(const store::Store& store, const store::IndexEntry& entry) {
    MLCI_TRY_ASSIGN(doc, store::artifact_json(store, entry));
    MLCI_TRY_ASSIGN(manifest, store.read_manifest(entry.descriptor.digest));
    if (manifest.artifact_type != store::k_type_dataset)
        return doc;
    MLCI_TRY_ASSIGN(dataset, load_dataset(store, entry));
    MLCI_TRY_ASSIGN(files, files_json(store, dataset));
    doc["files"] = std::move(files);
    nlohmann::json profiles = nlohmann::json::object();
    for (auto& p : dataset.profiles) {
        MLCI_TRY_ASSIGN(profile, read_profile_json(store, p));
        profiles[p.path] = std::move(profile);
    }
    doc["profiles"] = std::move(profiles);
    return doc;
}

} // namespace mlci::data
