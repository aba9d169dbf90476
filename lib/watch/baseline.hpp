// The baseline of `mlci watch`: the column profile of the data the deployed
// model was trained on, found through lineage. A dataset is its own baseline;
// a run leads to its input datasets (dev.mlci.lineage.inputs); a package to
// its run (dev.mlci.lineage.run, or the inputs it copies); anything else
// (a validation, a deployment) through its lineage annotations or subject.
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::watch {

struct BaselineOptions {
    // Which profiled CSV table, when the datasets have several: a path as
    // the dataset records it (data/iris.csv) or its file name.
    std::string table;
    // The column the model predicts; empty: the table's last column; "none":
    // no target (no prediction drift, features are every column).
    std::string target;
};

struct Baseline {
    store::IndexEntry artifact; // what the user named (package, run or dataset)
    std::string kind;           // its kind: package, run, dataset, ...
    std::string name;           // its dev.mlci.name, else its tag's name, else "model"
    store::IndexEntry dataset;  // the dataset whose profile this is
    std::string table;          // the profiled CSV, relative to the project root
    data::TableProfile profile;
    std::string target;                // the target column, empty when none
    std::vector<std::string> features; // every other column, in table order

    const data::ColumnProfile* target_column() const { return profile.column(target); }
    // The artifact as an OCI subject descriptor (no index annotations).
    store::Descriptor subject() const;
};

// Loads the baseline that `entry` leads to. Usage errors when it leads to no
// profiled dataset, or to several tables and `options.table` picks none.
Result<Baseline> load_baseline(const store::Store& store, const store::IndexEntry& entry,
                               const BaselineOptions& options = {});

// The same for a manifest digest (what a deployment records).
Result<Baseline> load_baseline(const store::Store& store, const hash::Digest& artifact,
                               const BaselineOptions& options = {});

} // namespace mlci::watch
