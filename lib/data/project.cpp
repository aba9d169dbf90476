#include <mlci/core/fs.hpp>
#include <mlci/data/project.hpp>
#include <mlci/hash/sha256.hpp>

namespace mlci::data {

fs::path project_root(const store::Store& store, const fs::path& cwd) {
    auto here = fs::absolute(cwd).lexically_normal();
    if (store.root().filename() == ".mlci") {
        auto holder = store.root().parent_path();
        if (!relative_inside(here, holder).empty() || here == holder)
            return holder;
    }
    std::error_code ec;
    for (auto dir = here;; dir = dir.parent_path()) {
        if (fs::exists(dir / "mlci.yaml", ec) || fs::exists(dir / ".git", ec))
            return dir;
        if (dir == dir.root_path())
            break;
    }
    return here;
}

Result<fs::path> project_relative(const fs::path& path, const fs::path& cwd, const fs::path& root) {
    auto abs = (path.is_absolute() ? path : cwd / path).lexically_normal();
    if (abs.has_filename() == false)
        abs = abs.parent_path();
    if (abs == root)
        return fs::path(".");
    auto rel = relative_inside(abs, root);
    if (rel.empty())
        return usage_error("path '{}' is outside the project '{}'", path.string(), root.string());
    return rel;
}

Result<FileLock> lock_folder(const store::Store& store, const fs::path& dir) {
    auto key = hash::sha256_of(dir.string()).short_hex(16);
    return FileLock::acquire(store.lock_path("workspace-" + key), FileLock::Mode::exclusive);
}

} // namespace mlci::data
