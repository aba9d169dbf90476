// Streaming statistics of one window of events against the baseline's column
// profiles: counts into the baseline's histogram bins (numbers) or its most
// frequent values plus "other" (categories), so memory is flat in the number
// of events. At the end of a window the counts give PSI, the Kolmogorov-
// Smirnov statistic, chi-square, the missing-value rate, and, when labels
// came with the events, live accuracy or MAE/RMSE.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <mlci/data/profile.hpp>
#include <mlci/watch/event.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlci::watch {

inline constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// How many of `sorted` are <= x (std::upper_bound's position), branch-free.
size_t upper_index(const std::vector<double>& sorted, double x);

// PSI is taken over buckets of equal reference mass, as `mlci test`'s drift
// check does: stats::decile_groups and stats::regroup (stats/drift.hpp).

// Chi-square and its p-value come from stats/chi_square.hpp, as `mlci test` uses.

// The statistics of one feature (or of the predictions) in a window. NaN
// where a statistic does not apply (KS of a category) or has no data.
struct FeatureSummary {
    std::string name;
    bool numeric = false;
    uint64_t count = 0;   // values present
    uint64_t missing = 0; // absent or null
    double missing_rate = k_nan;
    double psi = k_nan, ks = k_nan, chi2 = k_nan, p_value = k_nan, mean = k_nan;
    uint64_t invalid = 0; // numeric column: values that are not numbers
};

// Counts the values of one column against its baseline profile.
class ColumnCounter {
public:
    explicit ColumnCounter(const data::ColumnProfile& baseline);

    void add(const Value& v);
    void reset();
    FeatureSummary summarize() const;
    bool numeric() const { return m_numeric; }

private:
    static constexpr size_t k_linear_top = 8;
    // The bucket of a category: its place among the top values, else "other".
    size_t top_index(std::string_view value) const;

    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    const data::ColumnProfile* m_base;
    bool m_numeric;
    std::vector<double> m_inner_edges; // edges[1 .. n-1]: binary search gives the bin
    std::unordered_map<std::string, size_t, Hash, std::equal_to<>> m_top;
    std::vector<uint64_t> m_counts; // bins (or top values + other)
    uint64_t m_invalid = 0, m_missing = 0, m_count = 0;
    double m_sum = 0;
};

enum class Task { none, classification, regression };

// What a window measured: per feature, the predictions, the labels.
struct WindowSummary {
    uint64_t index = 0;  // 1, 2, ...
    uint64_t events = 0; // parsed events in the window
    uint64_t malformed = 0;
    double start = k_nan, end = k_nan; // seconds since the epoch (event ts or arrival)
    std::vector<FeatureSummary> features;
    std::optional<FeatureSummary> prediction; // against the baseline's target column
    Task task = Task::none;
    uint64_t labeled = 0; // events with both a prediction and a label
    double accuracy = k_nan, mae = k_nan, rmse = k_nan;
    double missing_rate = k_nan; // over every feature value expected
};

// Everything a window counts; reset() starts the next window.
class WindowStats {
public:
    // `features` and `target` (may be null) point into a profile that
    // outlives this object.
    WindowStats(const std::vector<const data::ColumnProfile*>& features,
                const data::ColumnProfile* target, Task task);

    void add(const Event& e);
    void add_malformed() { ++m_malformed; }
    void reset();
    uint64_t events() const { return m_events; }
    uint64_t malformed() const { return m_malformed; }
    WindowSummary summarize() const;

private:
    std::vector<ColumnCounter> m_features;
    std::optional<ColumnCounter> m_prediction;
    Task m_task;
    uint64_t m_events = 0, m_malformed = 0, m_labeled = 0, m_correct = 0;
    double m_abs = 0, m_sq = 0;
};

// The task a target column implies: categories (text, bool, or integers with
// at most 50 distinct values) are classification, other numbers regression.
Task task_of(const data::ColumnProfile& target);

} // namespace mlci::watch
