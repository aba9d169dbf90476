// The versions of datasets in the store, for `log` and `list`.
#pragma once

#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::data {

struct Version {
    std::string name;
    long number = 0; // the N of NAME:vN
    std::string tag; // "NAME:vN"
    store::Descriptor manifest;
    std::string created;
    std::string message;
    std::string commit; // git commit of the workspace, when it was in git
    uint64_t files = 0;
    uint64_t size = 0;
};

// Every version of dataset `name` (all datasets when empty), newest first.
Result<std::vector<Version>> dataset_versions(const store::Store& store, const std::string& name);

struct DatasetSummary {
    std::string name;
    Version latest;
    size_t versions = 0;
};

// One line per dataset name: its latest version and how many there are.
Result<std::vector<DatasetSummary>> list_datasets(const store::Store& store);

} // namespace mlci::data
