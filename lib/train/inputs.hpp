// The datasets a run reads: resolved to dataset versions (their manifest
// digests are the run's lineage) and made present in the workspace.
#pragma once

#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/core/error.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <string>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

// Resolves each input: "NAME" of a dataset in mlci.yaml (the version its
// pointer file PATH.mlci records, else NAME:latest), or a dataset reference
// (iris:v2, a digest), either optionally as "ALIAS=..." to choose the name
// the command sees. `project` is the folder dataset paths are relative to.
Result<std::vector<InputRecord>> resolve_inputs(const store::Store& store,
                                                const config::ProjectConfig& config,
                                                const std::vector<std::string>& specs,
                                                const fs::path& project);

struct MaterialiseStats {
    uint64_t files = 0;
    uint64_t hashed = 0;   // read because the stat cache did not know them
    uint64_t restored = 0; // written from the store
};

// Makes the workspace hold exactly the input's version under `project`:
// missing files, and files whose content is safely in the store, are written
// from their blobs. A file changed in a way the store does not hold, or a
// file a versioned folder does not list, is a usage error that says what to
// do: the run would otherwise train on data no record describes.
Result<MaterialiseStats> materialise_input(const store::Store& store, const fs::path& project,
                                           const InputRecord& input, unsigned jobs);

// The name as an environment variable suffix: upper case, other characters '_'.
std::string env_name(std::string_view name);

} // namespace mlci::train
