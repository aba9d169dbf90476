// `mlci data-version diff`, and what status and checkout share with it: which
// version a reference or pointer file names, and how two file lists differ.
#include <algorithm>
#include <map>
#include <mlci/core/fs.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>

namespace mlci::data {

namespace {

bool executable(uint32_t mode) {
    return (mode & 0111) != 0;
}

// Two entries for one path differ in content or in what git would call the mode.
// Write bits are not compared: `add --link` leaves files read-only on purpose.
bool differs(const store::FileEntry& a, const store::FileEntry& b) {
    if (a.size != b.size || executable(a.mode) != executable(b.mode))
        return true;
    return !a.digest.empty() && !b.digest.empty() && a.digest != b.digest;
}

bool is_version_tag(std::string_view tag) {
    auto at = tag.rfind(":v");
    return at != std::string_view::npos && at + 2 < tag.size() &&
           std::all_of(tag.begin() + static_cast<ptrdiff_t>(at + 2), tag.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// The name to show for a dataset manifest: its NAME:vN tag when it has one,
// since "latest" moves and a digest says nothing to a person.
std::string version_label(const store::Store& store, const store::IndexEntry& entry) {
    if (is_version_tag(entry.tag))
        return entry.tag;
    if (auto entries = store.entries(); entries)
        for (auto& e : *entries)
            if (e.descriptor.digest == entry.descriptor.digest && is_version_tag(e.tag))
                return e.tag;
    return store::display_name(entry);
}

Result<ResolvedVersion> from_pointer(const fs::path& file, const fs::path& project) {
    MLCI_TRY_ASSIGN(pointer, read_pointer(file));
    auto base = file.parent_path();
    ResolvedVersion v;
    v.label = path_prefix(base, project) + file.filename().string();
    v.roots.push_back({path_prefix(base, project) + pointer.path, base, pointer.path, pointer.tree,
                       pointer.dataset});
    return v;
}

Result<ResolvedVersion> from_reference(const store::Store& store, const store::IndexEntry& entry,
                                       const fs::path& project) {
    MLCI_TRY_ASSIGN(ds, load_dataset(store, entry));
    ResolvedVersion v;
    v.label = version_label(store, entry);
    v.manifest = entry.descriptor;
    for (auto& root : ds.roots) {
        // A manifest may come from another store: never let it name a path
        // outside the project.
        if (!store::is_safe_relative_path(root.path))
            return usage_error("dataset '{}' has an unsafe path '{}'", v.label, root.path);
        fs::path rel(root.path);
        auto base = (project / rel.parent_path()).lexically_normal();
        if (base.has_filename() == false)
            base = base.parent_path();
        v.roots.push_back(
            {root.path, base, rel.filename().string(), root.file_list.digest, ds.name()});
    }
    return v;
}

} // namespace

std::string_view to_string(Change c) {
    switch (c) {
    case Change::added:
        return "added";
    case Change::modified:
        return "modified";
    case Change::deleted:
        return "deleted";
    }
    return "?";
}

Result<ResolvedVersion> resolve_version(const store::Store& store, std::string_view ref,
                                        const fs::path& cwd, const fs::path& project,
                                        std::istream& in) {
    std::string text(ref);
    while (text.size() > 1 && text.back() == '/')
        text.pop_back();
    if (text.ends_with(k_pointer_suffix))
        return from_pointer((cwd / text).lexically_normal(), project);
    auto entry = store::resolve(store, text, in);
    if (!entry) {
        // "data/images" names the data that data/images.mlci points to.
        std::error_code ec;
        auto pointer = (cwd / (text + k_pointer_suffix)).lexically_normal();
        if (text != "-" && fs::is_regular_file(pointer, ec))
            return from_pointer(pointer, project);
        return std::unexpected(entry.error());
    }
    return from_reference(store, *entry, project);
}

Result<std::vector<store::FileEntry>> load_root_files(const store::Store& store,
                                                      const VersionRoot& root) {
    if (!store.has_blob(root.file_list))
        return usage_error("the file list of '{}' ({}) is not in the store '{}' (pull dataset "
                           "'{}' into it with 'mlci pull', or add the remote it was pushed to "
                           "with 'mlci remote add origin HOST/REPO -d' and check out again)",
                           root.path, root.file_list.str(), store.root().string(),
                           root.dataset.empty() ? root.name : root.dataset);
    return load_files(store,
                      store::Descriptor{store::k_media_file_list, root.file_list, 0, {}, {}, {}});
}

const std::vector<store::FileEntry>& sorted_by_path(const std::vector<store::FileEntry>& list,
                                                    std::vector<store::FileEntry>& copy) {
    auto by_path = [](const store::FileEntry& a, const store::FileEntry& b) {
        return a.path < b.path;
    };
    if (std::is_sorted(list.begin(), list.end(), by_path))
        // Callers keep `list` alive while they use the result (workspace.hpp).
        // NOLINTNEXTLINE(bugprone-return-const-ref-from-parameter)
        return list;
    copy = list;
    std::sort(copy.begin(), copy.end(), by_path);
    return copy;
}

ChangeTotals totals_of(const std::vector<FileChange>& changes) {
    ChangeTotals t;
    for (auto& c : changes)
        switch (c.change) {
        case Change::added:
            ++t.added;
            t.added_bytes += c.new_size;
            break;
        case Change::deleted:
            ++t.deleted;
            t.deleted_bytes += c.old_size;
            break;
        case Change::modified:
            ++t.modified;
            t.modified_delta += static_cast<int64_t>(c.new_size) - static_cast<int64_t>(c.old_size);
            break;
        }
    return t;
}

std::vector<FileChange> compare_file_lists(const std::vector<store::FileEntry>& from_list,
                                           const std::vector<store::FileEntry>& to_list,
                                           std::string_view prefix) {
    std::vector<store::FileEntry> from_copy, to_copy;
    auto& from = sorted_by_path(from_list, from_copy);
    auto& to = sorted_by_path(to_list, to_copy);
    std::vector<FileChange> out;
    auto path_of = [&](const std::string& p) { return std::string(prefix) + p; };
    size_t i = 0, j = 0;
    while (i < from.size() || j < to.size()) {
        if (j == to.size() || (i < from.size() && from[i].path < to[j].path)) {
            auto& f = from[i++];
            out.push_back({path_of(f.path), Change::deleted, f.size, 0, f.digest, {}});
        } else if (i == from.size() || to[j].path < from[i].path) {
            auto& t = to[j++];
            out.push_back({path_of(t.path), Change::added, 0, t.size, {}, t.digest});
        } else {
            auto& f = from[i++];
            auto& t = to[j++];
            if (differs(f, t))
                out.push_back(
                    {path_of(f.path), Change::modified, f.size, t.size, f.digest, t.digest});
        }
    }
    return out;
}

Result<DiffReport> diff_versions(const store::Store& store, const DiffOptions& options,
                                 const Reporter& reporter, std::istream& in) {
    auto project = project_root(store, options.cwd);
    MLCI_TRY_ASSIGN(from, resolve_version(store, options.from, options.cwd, project, in));
    DiffReport report;
    report.from_label = from.label;
    report.from_manifest = from.manifest;

    if (options.to.empty()) {
        report.to_label = "workspace";
        StatCaches caches(store);
        for (auto& root : from.roots) {
            MLCI_TRY_ASSIGN(
                changes, compare_with_workspace(store, root, {}, caches, options.jobs, reporter));
            std::move(changes.begin(), changes.end(), std::back_inserter(report.changes));
        }
        caches.save(reporter);
    } else {
        MLCI_TRY_ASSIGN(to, resolve_version(store, options.to, options.cwd, project, in));
        report.to_label = to.label;
        report.to_manifest = to.manifest;
        // Roots are matched by their project path; one only in one version
        // counts as all added or all deleted.
        std::map<std::string, std::pair<const VersionRoot*, const VersionRoot*>> pairs;
        for (auto& r : from.roots)
            pairs[r.path].first = &r;
        for (auto& r : to.roots)
            pairs[r.path].second = &r;
        auto files_of = [&](const VersionRoot* r) -> Result<std::vector<store::FileEntry>> {
            if (!r)
                return std::vector<store::FileEntry>{};
            return load_root_files(store, *r);
        };
        for (auto& [path, pair] : pairs) {
            MLCI_TRY_ASSIGN(a, files_of(pair.first));
            MLCI_TRY_ASSIGN(b, files_of(pair.second));
            auto prefix = (pair.first ? pair.first : pair.second)->prefix();
            auto changes = compare_file_lists(a, b, prefix);
            std::move(changes.begin(), changes.end(), std::back_inserter(report.changes));
        }
    }
    std::sort(report.changes.begin(), report.changes.end(),
              [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
    return report;
}

} // namespace mlci::data
