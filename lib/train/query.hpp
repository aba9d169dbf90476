// Comparing runs: `mlci log --sort/--filter` and `mlci metrics diff` of any
// number of runs. The tables are built here as rows of text; cmd/ prints them.
#pragma once

#include <mlci/train/history.hpp>
#include <mlci/train/record.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::train {

// --sort METRIC[:asc|:desc]: descending unless asked, as the best runs of
// accuracy come first; a loss is sorted with METRIC:asc.
struct SortKey {
    std::string metric;
    bool descending = true;
};
Result<SortKey> parse_sort_key(std::string_view text);

// --filter 'METRIC OP VALUE', OP one of > >= < <= == !=. METRIC is a metric,
// else a numeric param; a run that has neither does not match.
struct RunFilter {
    std::string name;
    std::string op; // ">", ">=", "<", "<=", "==", "!="
    double value = 0;
    std::string text;
};
Result<RunFilter> parse_run_filter(std::string_view text);

// The value a filter or a sort reads: the metric `name`, else the param of
// that (flattened) name when it is a number.
std::optional<double> run_value(const Run& run, const std::string& name);

// Whether `run` meets every filter (they are ANDed).
bool matches(const Run& run, const std::vector<RunFilter>& filters);

// Sorts by `key`; runs without the value come last, in their previous order.
void sort_runs(std::vector<Run>& runs, const SortKey& key);

// The params worth a column: those whose values differ between `runs` (every
// param when none differ), sorted by name.
std::vector<std::string> varying_params(const std::vector<Run>& runs);

// "k=v k2=v2": the params of `run` among `names`.
std::string params_text(const Run& run, const std::vector<std::string>& names);

using Table = std::vector<std::vector<std::string>>;

// The table of `mlci log`: a header row, then one row per run.
Table log_table(const std::vector<Run>& runs, std::vector<std::string> metrics);

// One run of `mlci log --json`.
nlohmann::json run_json(const Run& run);
// `mlci log --json`: run_json of each run, in the order given.
nlohmann::json runs_json(const std::vector<Run>& runs);

// `mlci metrics diff` of several runs: metrics by run, then the params that
// differ (every param with `all`). With two runs, a change column.
Table comparison_table(const std::vector<Run>& runs, bool all);
nlohmann::json comparison_json(const std::vector<Run>& runs, bool all);

} // namespace mlci::train
