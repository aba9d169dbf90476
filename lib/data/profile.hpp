// Column profiles of a CSV file, stored with each dataset version, and the
// histograms in them that drift statistics (lib/stats) compare new data with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mlci/core/error.hpp>
#include <mlci/data/csv_reader.hpp>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlci::data {

namespace fs = std::filesystem;

// Distinct values are counted exactly up to this many (fewer in a wide table,
// see below), and so are the values whose frequencies give `top`.
inline constexpr uint64_t k_distinct_cap = 10'000;
// Numeric values kept per column for quantiles and the histogram; beyond it a
// reservoir sample (fixed seed) of this size stands for the column.
inline constexpr size_t k_exact_values = 1'000'000;
inline constexpr size_t k_histogram_bins = 20;
inline constexpr size_t k_top_values = 20;

// Bounds, so that no table makes a profile too big to store, read or diff, or
// takes unbounded memory to profile:
// - at most k_max_columns columns are profiled, and only while the profile
//   stays under k_max_profile_bytes of JSON; the columns after them are
//   counted in `unprofiled_columns`;
// - a text a profile keeps (a column name, a top value) is cut to
//   k_max_profile_text bytes on a UTF-8 boundary and ends in "…" (U+2026);
// - the numbers kept for quantiles and the distinct texts counted are shared
//   out among a wide table's columns: each column keeps at most
//   k_values_budget / columns numbers (and k_exact_values) and counts at most
//   k_distinct_budget / columns texts (and k_distinct_cap);
// - the CSV reader keeps at most CsvReader::k_max_field_bytes of a field.
inline constexpr size_t k_max_columns = 1'000;
inline constexpr size_t k_max_profile_bytes = size_t{1} << 20;
inline constexpr size_t k_max_profile_text = 256;
inline constexpr size_t k_values_budget = size_t{16} << 20;
inline constexpr size_t k_distinct_budget = size_t{1} << 20;

struct ColumnProfile {
    std::string name;
    std::string type;      // "int", "number", "string" or "bool" (all-null columns are "string")
    uint64_t count = 0;    // non-null values
    uint64_t nulls = 0;    // values that is_null_value() calls null; count + nulls == rows
    uint64_t distinct = 0; // distinct non-null values as written (bools folded to true/false)
    bool distinct_capped = false; // more than k_distinct_cap: `distinct` is a lower bound
    // Numeric columns only, over every value; std is the sample standard
    // deviation (n - 1), 0 for a single value.
    std::optional<double> min, max, mean, std;
    // Numeric columns only: "p01" "p05" "p25" "p50" "p75" "p95" "p99", linear
    // interpolation between closest ranks (numpy's default), from the sample
    // when the column has more values than it keeps (k_exact_values, fewer in
    // a wide table).
    std::map<std::string, double> quantiles;
    // Numeric columns only: k_histogram_bins equal-width bins from min to max
    // (widened around a constant column), as bin_values() counts them; they
    // sum to `count`. A sampled column's counts are scaled up to `count`.
    std::vector<double> bin_edges;
    std::vector<uint64_t> bin_counts;
    // String and bool columns only: up to k_top_values most frequent values,
    // count descending then value ascending. Exact unless distinct_capped, in
    // which case values first seen after the cap are not counted. Texts here
    // and in `name` are as profile_text_of() gives them: bytes that are not UTF-8
    // become U+FFFD (JSON has no room for them), long texts are cut.
    std::vector<std::pair<std::string, uint64_t>> top;

    bool operator==(const ColumnProfile&) const = default;
};

struct TableProfile {
    uint64_t rows = 0;                  // records after the header
    uint64_t duplicate_rows = 0;        // records whose every field equals an earlier record's
    std::vector<ColumnProfile> columns; // in header order
    uint64_t unprofiled_columns = 0;    // columns after `columns`, past the bounds above

    bool operator==(const TableProfile&) const = default;

    // The column called `name`, or null.
    const ColumnProfile* column(std::string_view name) const;
};

// Profiles a CSV file in one pass. The result depends only on the bytes of the
// file, so that it can be stored next to them in a content-addressed store.
// Duplicate column names are a usage error.
Result<TableProfile> profile_csv(const fs::path& path);

// Profiles the records that `reader` has not returned yet.
Result<TableProfile> profile_csv(CsvReader& reader);

// `text` as a profile keeps it: valid UTF-8 (U+FFFD for other bytes), cut to
// k_max_profile_text bytes with "…" at the end when longer. What a value of
// the data is compared with a profile's top values as.
std::string profile_text_of(std::string_view text);

// The profile as JSON with a "version" key; key order is fixed (sorted).
nlohmann::json to_json(const TableProfile& profile);
// One column of it, as to_json(TableProfile) writes it under "columns".
nlohmann::json to_json(const ColumnProfile& column);

// Reads what to_json() wrote; the result compares equal to the original.
// Anything else is a usage error saying what is wrong.
Result<TableProfile> profile_from_json(const nlohmann::json& json);

// Counts `values` into the bins of `edges` (ascending, one more than bins):
// bin i holds edges[i] <= v < edges[i + 1], the last bin also holds its upper
// edge; values below or above the range go to the first or the last bin. NaN
// is not counted. Fewer than two edges give no bins.
std::vector<uint64_t> bin_values(const std::vector<double>& values,
                                 const std::vector<double>& edges);

// The Kolmogorov-Smirnov statistic (stats::ks_statistic) of a stored
// histogram (`edges`, `expected_counts`, as in a ColumnProfile) against raw
// `samples`, binned with bin_values().
double ks_statistic(const std::vector<double>& edges, const std::vector<uint64_t>& expected_counts,
                    const std::vector<double>& samples);

// The buckets a categorical column's drift is measured over: its top values'
// counts, then one "other" bucket for every value beyond them.
std::vector<uint64_t> reference_buckets(const ColumnProfile& reference);

} // namespace mlci::data
