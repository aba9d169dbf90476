// Data checks of a dataset version in the store: every CSV table it holds is
// read from the store's blob (the exact bytes that were versioned, not what
// the workspace holds now) and checked against a schema and, for drift,
// against the profile that a reference version stored for the same table.
#pragma once

#include <mlci/config/project_config.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <mlci/test/result.hpp>
#include <optional>
#include <string>

namespace mlci::test {

struct DatasetCheckSpec {
    std::string label;       // how the user named it, for messages
    store::IndexEntry entry; // the dataset version to check
    std::optional<config::Schema> schema;
    std::string schema_source; // "mlci.yaml: datasets.iris.schema", a file; for the report
    std::optional<store::IndexEntry> reference; // the drift baseline version
    double max_drift = 0.2;
};

// Checks the version's CSV tables, several at once. Errors are for what
// stops the check (a dataset that is not one, a missing blob); what the
// data gets wrong is in the result.
Result<DatasetCheck> check_dataset(const store::Store& store, const DatasetCheckSpec& spec,
                                   const Reporter& reporter = {});

} // namespace mlci::test
