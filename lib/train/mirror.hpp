// A private copy of the project for one member of a sweep: runs that go at
// once must not write each other's outputs, and commands write outputs into
// their working directory. The mirror links every project entry back with a
// symlink, except the declared outputs, which the command writes for itself.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <string>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

// Builds the mirror of `project` at `dest`. `own` are project-relative paths
// (outputs, the metrics file) that are left out, so the command creates them
// inside `dest`; their parent folders are real folders of the mirror, and an
// output that is a folder in the project starts as an empty folder.
Status make_mirror(const fs::path& project, const fs::path& dest,
                   const std::vector<std::string>& own);

} // namespace mlci::train
