// index.json: the store's list of manifests and their tags (OCI image layout).
#include <algorithm>
#include <map>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <set>

namespace mlci::store {

namespace {

bool tag_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/';
}

void set_tag(std::vector<IndexEntry>& entries, const Descriptor& d, const std::string& tag) {
    std::erase_if(entries, [&](const IndexEntry& e) {
        return e.tag == tag || (e.tag.empty() && e.descriptor.digest == d.digest);
    });
    IndexEntry e{d, tag};
    e.descriptor.annotations[k_ann_ref_name] = tag;
    entries.push_back(std::move(e));
}

} // namespace

Status validate_tag(std::string_view tag) {
    auto colon = tag.rfind(':');
    auto name = tag.substr(0, colon);
    auto version = colon == std::string_view::npos ? std::string_view() : tag.substr(colon + 1);
    auto ok = [](std::string_view part) {
        return !part.empty() && std::isalnum(static_cast<unsigned char>(part.front())) &&
               std::all_of(part.begin(), part.end(), tag_char);
    };
    if (!ok(name) || (colon != std::string_view::npos && !ok(version)) ||
        name.find(':') != std::string_view::npos || tag.size() > 255)
        return usage_error("invalid name '{}' (use letters, digits, '.', '-', '_', '/', and "
                           "one ':' before a tag)",
                           tag);
    return {};
}

Result<std::vector<IndexEntry>> Store::entries() const {
    auto path = m_root / "index.json";
    MLCI_TRY_ASSIGN(text, read_file(path));
    MLCI_TRY_ASSIGN(j, parse_json_object(text, fmt::format("'{}'", path.string())));
    std::vector<IndexEntry> out;
    if (auto it = j.find("manifests"); it != j.end() && it->is_array())
        for (auto& m : *it) {
            auto d = descriptor_from_json(m);
            if (!d)
                return usage_error("malformed '{}': {}", path.string(), d.error().message);
            IndexEntry e{*d, {}};
            if (auto t = d->annotations.find(k_ann_ref_name); t != d->annotations.end())
                e.tag = t->second;
            out.push_back(std::move(e));
        }
    return out;
}

Status Store::write_entries(const std::vector<IndexEntry>& entries) const {
    nlohmann::json j{{"schemaVersion", 2}, {"mediaType", k_oci_index}};
    j["manifests"] = nlohmann::json::array();
    for (auto& e : entries)
        j["manifests"].push_back(to_json(e.descriptor));
    return write_file_atomic(m_root / "index.json", j.dump(1) + "\n");
}

namespace {

// Removed version tags must not come back for other content: the highest N
// of each name ever removed is kept in mlci/versions.json, and
// tag_next_version counts from above it. Written before the index, so a
// crash between the two only leaves a higher floor.
Status remember_removed_versions(const fs::path& root, const std::vector<IndexEntry>& before,
                                 const std::vector<IndexEntry>& after) {
    std::set<std::string> kept;
    for (auto& e : after)
        kept.insert(e.tag);
    std::map<std::string, long> removed;
    for (auto& e : before) {
        if (e.tag.empty() || kept.contains(e.tag))
            continue;
        auto name = e.tag.substr(0, e.tag.rfind(':'));
        if (auto v = tag_version(e.tag, name); v > 0)
            removed[name] = std::max(removed[name], v);
    }
    if (removed.empty())
        return {};
    auto path = root / "mlci" / "versions.json";
    nlohmann::json floors = nlohmann::json::object();
    if (auto text = read_file(path)) {
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_object())
            floors = std::move(j);
    }
    bool changed = false;
    for (auto& [name, v] : removed) {
        auto it = floors.find(name);
        if (it == floors.end() || !it->is_number_integer() || it->get<long>() < v) {
            floors[name] = v;
            changed = true;
        }
    }
    return changed ? write_file_atomic(path, floors.dump(1) + "\n") : Status{};
}

long removed_version_floor(const fs::path& root, const std::string& name) {
    auto text = read_file(root / "mlci" / "versions.json");
    if (!text)
        return 0;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object())
        return 0;
    auto it = j.find(name);
    return it != j.end() && it->is_number_integer() ? it->get<long>() : 0;
}

} // namespace

Status Store::add_to_index(const Descriptor& d, const std::vector<std::string>& tags) {
    for (auto& t : tags)
        MLCI_TRY(validate_tag(t));
    MLCI_TRY_ASSIGN(lock, index_lock());
    MLCI_TRY_ASSIGN(entries, this->entries());
    if (tags.empty()) {
        bool listed = std::any_of(entries.begin(), entries.end(),
                                  [&](auto& e) { return e.descriptor.digest == d.digest; });
        if (listed)
            return {};
        entries.push_back({d, {}});
    }
    for (auto& t : tags)
        set_tag(entries, d, t);
    return write_entries(entries);
}

Result<std::string> Store::tag_next_version(const Descriptor& d, const std::string& name) {
    MLCI_TRY_ASSIGN(tagged, tag_next_version(d, name, FindExisting()));
    return tagged.tag;
}

Result<Store::Tagged> Store::tag_next_version(const Descriptor& d, const std::string& name,
                                              const FindExisting& find) {
    MLCI_TRY(validate_tag(name));
    if (name.find(':') != std::string::npos)
        return usage_error("invalid name '{}': a dataset name takes no tag", name);
    MLCI_TRY_ASSIGN(lock, index_lock());
    MLCI_TRY_ASSIGN(entries, this->entries());
    if (find) {
        MLCI_TRY_ASSIGN(existing, find(entries));
        if (existing)
            return Tagged{*existing, true};
    }
    MLCI_TRY(check_name_kind(*this, entries, name, d.artifact_type));
    long highest = removed_version_floor(m_root, name);
    for (auto& e : entries)
        highest = std::max(highest, tag_version(e.tag, name));
    auto tag = fmt::format("{}:v{}", name, highest + 1);
    set_tag(entries, d, tag);
    set_tag(entries, d, name + ":latest");
    MLCI_TRY(write_entries(entries));
    return Tagged{tag, false};
}

Result<Store::Tagged> Store::tag_as_version(const Descriptor& d, const std::string& name) {
    return tag_next_version(
        d, name, [&](const std::vector<IndexEntry>& entries) -> Result<std::optional<std::string>> {
            for (auto& e : entries)
                if (e.descriptor.digest == d.digest && tag_version(e.tag, name) > 0)
                    return std::optional<std::string>(e.tag);
            return std::optional<std::string>{};
        });
}

std::string kind_name(std::string_view artifact_type) {
    constexpr std::string_view prefix = "application/vnd.mlci.";
    if (artifact_type.empty())
        return "image";
    if (!artifact_type.starts_with(prefix))
        return std::string(artifact_type);
    auto kind = artifact_type.substr(prefix.size());
    kind = kind.substr(0, kind.rfind(".v"));
    std::string out(kind);
    std::replace(out.begin(), out.end(), '-', ' ');
    return out;
}

Status check_name_kind(const Store& store, const std::vector<IndexEntry>& entries,
                       std::string_view name, std::string_view artifact_type) {
    auto latest = std::string(name) + ":latest";
    for (auto& e : entries) {
        if (e.tag != latest && tag_version(e.tag, name) < 0)
            continue;
        std::string type = e.descriptor.artifact_type;
        if (type.empty())
            if (auto m = store.read_manifest(e.descriptor.digest))
                type = m->artifact_type;
        if (type == artifact_type)
            continue;
        return usage_error("name '{}' belongs to {}s ('{}' is one): a {} cannot continue "
                           "their versions, or '{}' would name either; give it another name",
                           name, kind_name(type), e.tag, kind_name(artifact_type), latest);
    }
    return {};
}

Status check_name_kind(const Store& store, std::string_view name, std::string_view artifact_type) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    return check_name_kind(store, entries, name, artifact_type);
}

Status Store::remove_tag(const std::string& tag) {
    MLCI_TRY_ASSIGN(lock, index_lock());
    MLCI_TRY_ASSIGN(entries, this->entries());
    auto before = entries;
    auto n = std::erase_if(entries, [&](auto& e) { return e.tag == tag; });
    if (n == 0)
        return usage_error("no tag '{}' in the store", tag);
    MLCI_TRY(remember_removed_versions(m_root, before, entries));
    return write_entries(entries);
}

Status Store::update_index(const std::function<Status(std::vector<IndexEntry>& entries)>& change) {
    MLCI_TRY_ASSIGN(lock, index_lock());
    MLCI_TRY_ASSIGN(entries, this->entries());
    auto before = entries;
    MLCI_TRY(change(entries));
    MLCI_TRY(remember_removed_versions(m_root, before, entries));
    return write_entries(entries);
}

Status Store::remove_from_index(const hash::Digest& d) {
    MLCI_TRY_ASSIGN(lock, index_lock());
    MLCI_TRY_ASSIGN(entries, this->entries());
    auto before = entries;
    std::erase_if(entries, [&](auto& e) { return e.descriptor.digest == d; });
    MLCI_TRY(remember_removed_versions(m_root, before, entries));
    return write_entries(entries);
}

} // namespace mlci::store
