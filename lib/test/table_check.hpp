// All data checks of one CSV table in one streaming pass: the schema's
// table rules (columns present, row count, duplicate rows, unique keys),
// its column rules, and drift against a reference profile.
#pragma once

#include <mlci/config/project_config.hpp>
#include <mlci/data/csv_reader.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/test/result.hpp>

namespace mlci::test {

struct TableSpec {
    const config::Schema* schema = nullptr;        // none: no schema rules
    const data::TableProfile* reference = nullptr; // none: no drift check
    double max_drift = 0.2;                        // PSI limit per column
};

struct TableResult {
    uint64_t rows = 0;
    std::vector<CheckResult> checks;
};

// Reads the rest of `reader` and checks it. A record the reader cannot parse
// ends the pass with a failed "parse" check (the data is what is under test,
// so that is a finding, not an error); the checks up to there are kept.
//
// `unique` entries name one column, or several joined by ',' for a
// compound key ("date,store"). Null keys are not compared, as in SQL.
// Duplicate rows are always counted; they fail only when the schema sets
// `rows.max_duplicates`. Rows and keys are remembered by 64-bit hashes
// (with the line where they first appeared): about 24 bytes a row.
TableResult check_table(data::CsvReader& reader, const TableSpec& spec);

} // namespace mlci::test
