// Dataset artifacts (ARCHITECTURE.md §1): a manifest whose layers are one file list
// per versioned path ("root") and one column profile per CSV file.
#pragma once

#include <filesystem>
#include <mlci/core/progress.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::data {

inline constexpr const char* k_media_dataset_config = "application/vnd.mlci.dataset.config.v1+json";
inline constexpr const char* k_media_profile = "application/vnd.mlci.profile.v1+json";
inline constexpr const char* k_ann_title = "org.opencontainers.image.title";
inline constexpr const char* k_ann_profile_of = "dev.mlci.profile.of";

// One versioned path. Its file list's paths are relative to the root's
// parent folder, so "data/images" lists "images/a.png".
struct DatasetRoot {
    std::string path; // relative to the project root, e.g. "data/images"
    store::Descriptor file_list;
};

struct ProfileLayer {
    std::string path; // the CSV file, relative to the project root
    store::Descriptor blob;
};

struct Dataset {
    store::IndexEntry entry;
    store::Manifest manifest;
    nlohmann::json record; // the config blob
    std::vector<DatasetRoot> roots;
    std::vector<ProfileLayer> profiles;

    std::string name() const;
    std::string created() const;
    uint64_t file_count() const;
    uint64_t size() const;
};

// Loads a dataset artifact; a usage error when `entry` is another kind.
Result<Dataset> load_dataset(const store::Store& store, const store::IndexEntry& entry);
// Reads a root's file list.
Result<std::vector<store::FileEntry>> load_files(const store::Store& store,
                                                 const store::Descriptor& file_list);

struct AddOptions {
    std::vector<fs::path> paths; // as the user gave them
    fs::path cwd;
    std::string name; // empty: from the first path's name
    std::string message;
    IngestMode mode = IngestMode::copy;
    unsigned jobs = 1;
};

struct AddResult {
    std::string reference; // "NAME:vN"
    store::Descriptor manifest;
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t new_files = 0; // blobs the store did not have
    uint64_t new_bytes = 0;
    bool unchanged = false; // same content as NAME:latest: no new version made
};

// Versions the files at `options.paths` as a new version of a dataset.
Result<AddResult> add_dataset(store::Store& store, const AddOptions& options,
                              const Reporter& reporter);

// The dataset name a path gives by default: its file name without
// extensions, lowercased, with other characters turned into '-'.
std::string default_dataset_name(const fs::path& path);

} // namespace mlci::data
