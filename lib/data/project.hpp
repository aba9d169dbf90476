// Where the project is: the folder whose paths datasets are recorded against.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
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

} // namespace mlci::data
