#include <algorithm>
#include <filesystem>
#include <mlci/core/json.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/watch/baseline.hpp>
#include <nlohmann/json.hpp>
#include <set>

namespace mlci::watch {

namespace {

constexpr int k_max_depth = 8;

struct Candidate {
    store::IndexEntry dataset;
    data::ProfileLayer layer;
};

std::vector<std::string> split_digests(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        auto part =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty())
            out.push_back(part);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

// The index entry of a manifest digest, or a bare descriptor when it is not listed.
Result<store::IndexEntry> entry_of(const store::Store& store, const hash::Digest& d) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    const store::IndexEntry* untagged = nullptr;
    for (auto& e : entries)
        if (e.descriptor.digest == d) {
            if (!e.tag.empty())
                return e;
            untagged = &e;
        }
    if (untagged)
        return *untagged;
    MLCI_TRY_ASSIGN(text, store.read_blob(d));
    store::IndexEntry e;
    e.descriptor.media_type = store::k_oci_manifest;
    e.descriptor.digest = d;
    e.descriptor.size = text.size();
    return e;
}

std::string kind_of(const store::Manifest& m) {
    if (auto it = m.annotations.find(store::k_ann_kind); it != m.annotations.end())
        return it->second;
    constexpr std::string_view prefix = "application/vnd.mlci.";
    std::string_view t = m.artifact_type;
    if (t.starts_with(prefix)) {
        t.remove_prefix(prefix.size());
        return std::string(t.substr(0, t.find('.')));
    }
    return t.empty() ? "image" : std::string(t);
}

Status collect(const store::Store& store, const store::IndexEntry& entry, int depth,
               std::set<hash::Digest>& seen, std::vector<Candidate>& out) {
    if (!seen.insert(entry.descriptor.digest).second)
        return {};
    if (depth > k_max_depth)
        return usage_error("lineage of '{}' is deeper than {} steps", store::display_name(entry),
                           k_max_depth);
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    if (m.artifact_type == store::k_type_dataset) {
        MLCI_TRY_ASSIGN(ds, data::load_dataset(store, entry));
        for (auto& p : ds.profiles)
            out.push_back({entry, p});
        return {};
    }
    // Datasets directly (runs, packages), else the run, the package, the subject.
    std::vector<std::string> next;
    auto lineage = [&](const char* relation) {
        auto it = m.annotations.find(std::string(store::k_ann_lineage_prefix) + relation);
        return it == m.annotations.end() ? std::vector<std::string>{} : split_digests(it->second);
    };
    for (auto* relation : {"inputs", "run", "package"}) {
        next = lineage(relation);
        if (!next.empty())
            break;
    }
    if (next.empty() && m.subject)
        next.push_back(m.subject->digest.str());
    if (next.empty())
        return usage_error("'{}' ({}) leads to no dataset: it has no lineage inputs, run or "
                           "subject (pass a dataset, run or package as --baseline)",
                           store::display_name(entry), kind_of(m));
    for (auto& text : next) {
        MLCI_TRY_ASSIGN(d, hash::Digest::parse(text));
        MLCI_TRY_ASSIGN(e, entry_of(store, d));
        if (auto r = collect(store, e, depth + 1, seen, out); !r) {
            if (r.error().message.find("not found") != std::string::npos ||
                r.error().message.find("missing") != std::string::npos)
                return usage_error("'{}' names '{}' in its lineage, which is not in this store "
                                   "(pull it, or pass the dataset as --baseline)",
                                   store::display_name(entry), text);
            return r;
        }
    }
    return {};
}

bool table_matches(const std::string& path, const std::string& wanted) {
    return path == wanted || std::filesystem::path(path).filename() == wanted;
}

} // namespace

store::Descriptor Baseline::subject() const {
    auto& d = artifact.descriptor;
    return store::Descriptor{d.media_type.empty() ? store::k_oci_manifest : d.media_type,
                             d.digest,
                             d.size,
                             d.artifact_type,
                             {},
                             {}};
}

Result<Baseline> load_baseline(const store::Store& store, const store::IndexEntry& entry,
                               const BaselineOptions& options) {
    std::set<hash::Digest> seen;
    std::vector<Candidate> found;
    MLCI_TRY(collect(store, entry, 0, seen, found));
    if (found.empty())
        return usage_error("'{}' leads to no profiled CSV table (data-version add profiles "
                           "CSV files; watch compares events with those profiles)",
                           store::display_name(entry));
    std::vector<Candidate> picked;
    for (auto& c : found)
        if (options.table.empty() || table_matches(c.layer.path, options.table))
            picked.push_back(c);
    std::vector<std::string> tables;
    tables.reserve(found.size());
    for (auto& c : found)
        tables.push_back(fmt::format("'{}' of '{}'", c.layer.path, store::display_name(c.dataset)));
    if (picked.empty())
        return usage_error("'{}' leads to no table '{}' (tables: {})", store::display_name(entry),
                           options.table, fmt::join(tables, ", "));
    if (picked.size() > 1)
        return usage_error("'{}' leads to {} profiled tables ({}); pick one with "
                           "--baseline-table PATH",
                           store::display_name(entry), picked.size(), fmt::join(tables, ", "));
    Baseline b;
    b.artifact = entry;
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    b.artifact.descriptor.artifact_type = m.artifact_type;
    b.kind = kind_of(m);
    if (auto it = m.annotations.find(store::k_ann_name); it != m.annotations.end())
        b.name = it->second;
    else if (!entry.tag.empty())
        b.name = entry.tag.substr(0, entry.tag.find(':'));
    else
        b.name = "model";
    b.dataset = picked[0].dataset;
    b.table = picked[0].layer.path;
    MLCI_TRY_ASSIGN(text, store.read_blob(picked[0].layer.blob.digest));
    MLCI_TRY_ASSIGN(j, parse_json(text, fmt::format("profile '{}' of '{}'",
                                                    picked[0].layer.blob.digest.str(), b.table)));
    MLCI_TRY_ASSIGN(profile, data::profile_from_json(j));
    b.profile = std::move(profile);
    if (b.profile.columns.empty())
        return usage_error("the profile of '{}' has no columns", b.table);
    if (options.target == "none") {
        b.target.clear();
    } else if (options.target.empty()) {
        b.target = b.profile.columns.back().name;
    } else if (!b.profile.column(options.target)) {
        std::vector<std::string> names;
        names.reserve(b.profile.columns.size());
        for (auto& c : b.profile.columns)
            names.push_back(c.name);
        return usage_error("target '{}' is not a column of '{}' (columns: {})", options.target,
                           b.table, fmt::join(names, ", "));
    } else {
        b.target = options.target;
    }
    for (auto& c : b.profile.columns)
        if (c.name != b.target)
            b.features.push_back(c.name);
    return b;
}

Result<Baseline> load_baseline(const store::Store& store, const hash::Digest& artifact,
                               const BaselineOptions& options) {
    MLCI_TRY_ASSIGN(e, entry_of(store, artifact));
    return load_baseline(store, e, options);
}

} // namespace mlci::watch
