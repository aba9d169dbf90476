#include <algorithm>
#include <cctype>
#include <mlci/core/fs.hpp>
#include <mlci/core/stamps.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/train/dependencies.hpp>
#include <mlci/vcs/work_tree.hpp>

namespace mlci::train {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_deps_magic = "mlci-dependencies v1";

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
            return false;
    return true;
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           starts_with_nocase(s.substr(s.size() - suffix.size()), suffix);
}

// Content ids of declared files git does not show (ignored ones): sha256,
// which cannot be mistaken for a git id.
Status add_ignored(const fs::path& project, const std::string& rel, Dependencies& deps,
                   Stamps& stamps) {
    std::error_code ec;
    auto abs = project / rel;
    auto add_file = [&](const fs::path& file, const std::string& path) -> Status {
        MLCI_TRY_ASSIGN(h, hash::sha256_file(file));
        deps.files[path] = h.digest.str();
        stamps.emplace_back(path, stamp_of(file));
        return {};
    };
    if (!fs::is_directory(fs::symlink_status(abs, ec)))
        return add_file(abs, rel);
    stamps.emplace_back(rel, stamp_of(abs));
    for (fs::recursive_directory_iterator it(abs, ec), end; !ec && it != end; it.increment(ec)) {
        auto path = rel + "/" + it->path().lexically_relative(abs).generic_string();
        if (it->is_directory(ec) && !it->is_symlink(ec))
            stamps.emplace_back(path, stamp_of(it->path()));
        else
            MLCI_TRY(add_file(it->path(), path));
    }
    if (ec)
        return runtime_error("cannot list '{}': {}", abs.string(), ec.message());
    return {};
}

// Folders the default set never enters: caches that tools write beside the
// code (Python's bytecode, test and type-checker caches, virtual
// environments), whatever the .gitignore says.
bool cache_folder(std::string_view name) {
    for (auto n : {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                   ".ipynb_checkpoints", ".tox", ".nox", ".venv", "venv", ".gitlab-ci-local"})
        if (name == n)
            return true;
    return false;
}

} // namespace

hash::Digest Dependencies::digest() const {
    std::string text;
    for (auto& [path, id] : files) {
        text += path;
        text.push_back('\0');
        text += id;
        text.push_back('\n');
    }
    return hash::sha256_of(text);
}

bool excluded_by_default(std::string_view path) {
    auto slash = path.rfind('/');
    auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto first = path.substr(0, path.find('/'));
    if (base.ends_with(data::k_pointer_suffix) || base == "mlci.yaml" || base == "mlci.yml" ||
        base.ends_with(".pyc"))
        return true;
    for (auto ext : {".md", ".rst", ".adoc"})
        if (ends_with_nocase(base, ext))
            return true;
    for (auto doc : {"license", "licence", "copying", "changelog", "authors", "notice"})
        if (starts_with_nocase(base, doc))
            return true;
    for (auto name : {".gitignore", ".gitattributes", ".gitlab-ci.yml", "Jenkinsfile",
                      ".dockerignore", ".mailmap"})
        if (base == name)
            return true;
    for (auto dir : {"docs", "doc", ".github", ".gitlab"})
        if (first == dir && first.size() < path.size())
            return true;
    return false;
}

Result<std::optional<Dependencies>> dependencies(const store::Store& store, const fs::path& project,
                                                 const DependencySpec& spec) {
    bool maybe_git = true;
    auto tree = vcs::find_work_tree(project, maybe_git);
    if (!maybe_git)
        return std::optional<Dependencies>{};
    nlohmann::json spec_json = {
        {"project", project.string()}, {"declared", spec.declared}, {"excluded", spec.excluded}};
    auto file = store.cache_dir() / ("deps-" + hash::sha256_of(spec_json.dump()).short_hex(16));
    if (tree)
        if (auto known = read_remembered(file, k_deps_magic, tree->workdir);
            known && known->is_object())
            return std::optional<Dependencies>(
                Dependencies{known->get<std::map<std::string, std::string>>()});

    // Stamps of git's own state first, then the answer: a change in between
    // makes the stamps stale, never the answer.
    Stamps stamps;
    if (tree)
        for (auto& f : vcs::git_state_files(tree->gitdir))
            stamps.emplace_back(f.lexically_relative(tree->workdir).string(), stamp_of(f));

    auto abs_project = fs::absolute(project).lexically_normal();
    std::string prefix; // the project, relative to the work tree; "" when it is the tree
    auto to_project = [&](std::string_view path) -> std::optional<std::string_view> {
        if (prefix.empty())
            return path;
        if (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/')
            return path.substr(prefix.size() + 1);
        return {};
    };
    auto is_excluded = [&](std::string_view rel) {
        if (rel == ".mlci" || rel.ends_with("/.mlci"))
            return true;
        return !spec.excluded.empty() && store::path_selected(rel, spec.excluded);
    };
    auto store_root = fs::absolute(store.root()).lexically_normal();
    auto skip_dir = [&](std::string_view path) {
        auto rel = to_project(path);
        if (!rel) // outside the project: only the folders on the way into it
            return !(prefix == path || prefix.starts_with(std::string(path) + "/"));
        if (is_excluded(*rel) || (abs_project / *rel) == store_root)
            return true;
        // Another store, or any OCI layout: data, never code.
        std::error_code ec;
        if (fs::exists(abs_project / *rel / "oci-layout", ec))
            return true;
        auto slash = rel->rfind('/');
        return spec.declared.empty() &&
               cache_folder(slash == std::string_view::npos ? *rel : rel->substr(slash + 1));
    };
    auto wanted = [&](std::string_view path) {
        auto rel = to_project(path);
        if (!rel || is_excluded(*rel))
            return false;
        if (spec.declared.empty())
            return !excluded_by_default(*rel);
        return store::path_selected(*rel, spec.declared);
    };
    if (tree) {
        auto p = abs_project.lexically_relative(tree->workdir).generic_string();
        prefix = p == "." ? "" : p;
    }
    MLCI_TRY_ASSIGN(visible, vcs::visible_files(project, skip_dir, wanted));
    if (!visible)
        return std::optional<Dependencies>{};
    if (!tree) { // a worktree or submodule: libgit2 found it; no shortcut
        auto p = abs_project.lexically_relative(visible->workdir).generic_string();
        prefix = p == "." ? "" : p;
    }

    Dependencies deps;
    for (auto& d : visible->dirs)
        stamps.emplace_back(d, stamp_of(visible->workdir / d));
    for (auto& f : visible->files) {
        stamps.emplace_back(f.path, stamp_of(visible->workdir / f.path));
        if (!f.id.empty())
            deps.files[std::string(*to_project(f.path))] = f.id;
    }
    // A declared pattern must name something; what git ignores is read from disk.
    Stamps extra;
    for (auto& pattern : spec.declared) {
        bool matched = std::any_of(deps.files.begin(), deps.files.end(), [&](auto& kv) {
            return store::path_selected(kv.first, {pattern});
        });
        if (matched)
            continue;
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(abs_project / pattern, ec)))
            return usage_error("dependency '{}' matches no file in the project '{}' (train.deps "
                               "and --dep take paths, folders and globs relative to it)",
                               pattern, abs_project.string());
        MLCI_TRY(add_ignored(abs_project, fs::path(pattern).lexically_normal().generic_string(),
                             deps, extra));
    }
    if (tree) {
        for (auto& [path, s] : extra)
            stamps.emplace_back(prefix.empty() ? path : fmt::format("{}/{}", prefix, path), s);
        remember(file, k_deps_magic, nlohmann::json(deps.files), stamps);
    }
    return std::optional<Dependencies>(std::move(deps));
}

} // namespace mlci::train
