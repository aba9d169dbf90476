// What a run's code is, for its cache key: the content of the files it
// depends on, not the commit that holds them, so that a commit changing only
// a README (in CI, every pipeline is a new commit) keeps the key, and an
// untracked script edited between two runs changes it.
//
// By default a run depends on the files git would show in the project
// (tracked, and untracked but not ignored), minus what cannot change its
// outputs: pointer files (the inputs' digests are in the key already), its
// own outputs and metrics file, the datasets' folders, mlci.yaml (its train
// section is in the key already), documentation (*.md, *.rst, *.adoc, docs/,
// doc/, LICENSE, CHANGELOG, ...) and CI and git settings (.gitignore,
// .gitattributes, .gitlab-ci.yml, .github/, Jenkinsfile), tools' caches
// (__pycache__, *.pyc, .pytest_cache, .venv, ...) and any OCI layout (another
// store). `train.deps` or
// `--dep` name the files instead (globs, files or folders), ignored ones too.
//
// A file's id is git's blob id: from the index when the file is as the index
// has it (no read), else from its content. The answer is remembered with a
// stamp of every file and folder it was made from (core/stamps.hpp).
#pragma once

#include <filesystem>
#include <map>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::train {

struct DependencySpec {
    std::vector<std::string> declared; // train.deps or --dep; empty: the default set
    std::vector<std::string> excluded; // outputs, metrics file, dataset folders
};

struct Dependencies {
    std::map<std::string, std::string> files; // project-relative path -> content id
    // One digest of all paths and ids.
    hash::Digest digest() const;
};

// True for the files the default set leaves out (see above), by their
// project-relative path.
bool excluded_by_default(std::string_view path);

// The dependencies of a run in `project`; nothing outside git, where a change
// of code could not be seen. A declared pattern that matches no file is a
// usage error.
Result<std::optional<Dependencies>> dependencies(const store::Store& store,
                                                 const std::filesystem::path& project,
                                                 const DependencySpec& spec);

} // namespace mlci::train
