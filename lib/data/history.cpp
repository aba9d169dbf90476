#include <algorithm>
#include <charconv>
#include <map>
#include <mlci/data/history.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::data {

namespace {

// Splits "NAME:vN" into NAME and N; false for other tags.
bool split_version(std::string_view tag, std::string& name, long& n) {
    auto colon = tag.rfind(":v");
    if (colon == std::string_view::npos)
        return false;
    auto digits = tag.substr(colon + 2);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty())
        return false;
    name = tag.substr(0, colon);
    return true;
}

uint64_t number_or_zero(const store::Annotations& a, const char* key) {
    auto it = a.find(key);
    uint64_t n = 0;
    if (it != a.end())
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
    return n;
}

std::string value_or_empty(const store::Annotations& a, const char* key) {
    auto it = a.find(key);
    return it == a.end() ? std::string() : it->second;
}

} // namespace

Result<std::vector<Version>> dataset_versions(const store::Store& store, const std::string& name) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::vector<Version> out;
    for (auto& e : entries) {
        Version v;
        if (e.descriptor.artifact_type != store::k_type_dataset ||
            !split_version(e.tag, v.name, v.number) || (!name.empty() && v.name != name))
            continue;
        MLCI_TRY_ASSIGN(m, store.read_manifest(e.descriptor.digest));
        v.tag = e.tag;
        v.manifest = e.descriptor;
        v.created = value_or_empty(m.annotations, store::k_ann_created);
        v.message = value_or_empty(m.annotations, store::k_ann_message);
        v.commit = value_or_empty(m.annotations, store::k_ann_revision);
        v.files = number_or_zero(m.annotations, "dev.mlci.files");
        v.size = number_or_zero(m.annotations, "dev.mlci.size");
        out.push_back(std::move(v));
    }
    if (!name.empty() && out.empty())
        return usage_error("no dataset named '{}' in the store (see 'mlci data-version list')",
                           name);
    std::sort(out.begin(), out.end(), [](const Version& a, const Version& b) {
        return a.name != b.name ? a.name < b.name : a.number > b.number;
    });
    return out;
}

Result<std::vector<DatasetSummary>> list_datasets(const store::Store& store) {
    MLCI_TRY_ASSIGN(versions, dataset_versions(store, ""));
    std::map<std::string, DatasetSummary> by_name;
    for (auto& v : versions) {
        auto& s = by_name[v.name];
        if (s.versions++ == 0) {
            s.name = v.name;
            s.latest = v;
        }
    }
    std::vector<DatasetSummary> out;
    out.reserve(by_name.size());
    for (auto& [n, s] : by_name)
        out.push_back(std::move(s));
    return out;
}

} // namespace mlci::data
