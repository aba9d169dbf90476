#include <cctype>
#include <mlci/core/json.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>

namespace mlci::data {

std::string Dataset::name() const {
    return record.value("name", std::string());
}
std::string Dataset::created() const {
    return record.value("created", std::string());
}
uint64_t Dataset::file_count() const {
    return record.value("files", uint64_t{0});
}
uint64_t Dataset::size() const {
    return record.value("size", uint64_t{0});
}

std::string default_dataset_name(const fs::path& path) {
    auto name = path.lexically_normal().filename().string();
    if (name.empty())
        name = path.lexically_normal().parent_path().filename().string();
    if (auto dot = name.find('.'); dot != std::string::npos && dot > 0)
        name.resize(dot);
    for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '-';
    }
    return name.empty() || !std::isalnum(static_cast<unsigned char>(name[0])) ? "data" + name
                                                                              : name;
}

Result<Dataset> load_dataset(const store::Store& store, const store::IndexEntry& entry) {
    Dataset ds;
    ds.entry = entry;
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    if (m.artifact_type != store::k_type_dataset)
        return usage_error("'{}' is not a dataset (it is {})", store::display_name(entry),
                           m.artifact_type.empty() ? "an image" : m.artifact_type);
    ds.manifest = std::move(m);
    MLCI_TRY_ASSIGN(config, store.read_blob(ds.manifest.config.digest));
    MLCI_TRY_ASSIGN(record,
                    parse_json_object(config, fmt::format("dataset record '{}'",
                                                          ds.manifest.config.digest.str())));
    ds.record = std::move(record);
    for (auto& layer : ds.manifest.layers) {
        auto title = layer.annotations.contains(k_ann_title) ? layer.annotations.at(k_ann_title)
                                                             : std::string();
        if (layer.media_type == store::k_media_file_list)
            ds.roots.push_back({title, layer});
        else if (layer.media_type == k_media_profile)
            ds.profiles.push_back({title, layer});
    }
    return ds;
}

Result<std::vector<store::FileEntry>> load_files(const store::Store& store,
                                                 const store::Descriptor& file_list) {
    MLCI_TRY_ASSIGN(text, store.read_blob(file_list.digest));
    return store::parse_file_list(text, file_list.digest.str());
}

} // namespace mlci::data
