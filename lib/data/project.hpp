// Where the project is: the folder whose paths datasets are recorded against.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/core/file_lock.hpp>
#include <mlci/store/store.hpp>

namespace mlci::data {

namespace fs = std::filesystem;

// The project root for `cwd`: the folder holding the store when it is a
// ".mlci" above `cwd`, else the nearest folder above with mlci.yaml or .git,
// else `cwd` itself.
fs::path project_root(const store::Store& store, const fs::path& cwd);

// `path` (relative to `cwd` or absolute) as a clean path relative to the
// project root; a usage error when it lies outside the project.
Result<fs::path> project_relative(const fs::path& path, const fs::path& cwd, const fs::path& root);

// The lock of the workspace folder `dir`: held while checkout writes there,
// and while add updates its pointer files and .gitignore (read, changed,
// written back), so that adds and checkouts in one folder take turns.
Result<FileLock> lock_folder(const store::Store& store, const fs::path& dir);

} // namespace mlci::data
