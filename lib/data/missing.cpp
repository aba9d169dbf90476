// What a checkout would miss: the question `data-version checkout` asks
// before it pulls a version from the default remote.
#include <mlci/data/dataset.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <mlci/store/reference.hpp>
#include <sstream>

namespace mlci::data {

namespace {

// True when the store has the root's file list and the content (whole or in
// chunks) of every file that `selected` selects (every file when empty).
Result<bool> root_complete(const store::Store& store, const VersionRoot& root,
                           const std::vector<std::string>& selected) {
    if (!store.has_blob(root.file_list))
        return false;
    MLCI_TRY_ASSIGN(
        files, load_files(store, store::Descriptor{
                                     store::k_media_file_list, root.file_list, 0, {}, {}, {}}));
    for (auto& f : files)
        if (store::path_selected(f.path, selected) && !store::has_content(store, f))
            return false;
    return true;
}

bool is_tag(std::string_view label) {
    return label.find(':') != std::string_view::npos && !label.starts_with("sha256:") &&
           store::validate_tag(label).has_value();
}

} // namespace

Result<std::optional<MissingVersion>>
missing_for_checkout(const store::Store& store, const std::string& ref, const fs::path& cwd,
                     const std::vector<std::string>& paths, const std::optional<fs::path>& to) {
    MissingVersion m;
    m.ref = ref;
    std::istringstream none;
    auto version = resolve_version(store, ref, cwd, project_root(store, cwd), none);
    if (!version) {
        // A NAME:TAG the store does not have may be on a remote; anything
        // else (a typo, a short digest, a pointer file that is not there) is
        // for checkout to report.
        std::istringstream again;
        if (ref.ends_with(k_pointer_suffix) || ref.starts_with("sha256:") || !is_tag(ref) ||
            store::resolve(store, ref, again))
            return std::optional<MissingVersion>();
        m.unknown = true;
        m.label = ref;
        m.tagged = true;
        // Its roots are not known before the pull: PATH... is taken relative
        // to where a version by tag is checked out, the project (or --to).
        auto dest = to ? (cwd / *to).lexically_normal() : project_root(store, cwd);
        for (auto& [i, glob] : path_selectors(dest, paths, cwd))
            m.paths.push_back(glob);
        return std::optional<MissingVersion>(std::move(m));
    }
    m.label = version->label;
    m.tagged = version->manifest && is_tag(version->label);
    for (auto& root : version->roots) {
        std::vector<std::string> selected;
        if (!paths.empty()) {
            auto dest = to ? (cwd / *to).lexically_normal() : root.base;
            for (auto& [i, glob] : path_selectors(dest, paths, cwd))
                selected.push_back(glob);
            if (selected.empty())
                continue; // no PATH lies in this root
        }
        MLCI_TRY_ASSIGN(complete, root_complete(store, root, selected));
        if (!complete) {
            m.roots.push_back(root);
            m.paths.insert(m.paths.end(), selected.begin(), selected.end());
        }
    }
    if (m.roots.empty())
        return std::optional<MissingVersion>();
    return std::optional<MissingVersion>(std::move(m));
}

} // namespace mlci::data
