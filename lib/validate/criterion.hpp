// Gate criteria: "METRIC OP VALUE" requirements on a run's metrics, and
// "METRIC=DELTA" limits on how far a metric may fall behind a baseline.
#pragma once

#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::validate {

enum class Op { ge, gt, le, lt, eq };

// ">=", ">", "<=", "<", "=="
std::string_view to_string(Op op);

struct Criterion {
    std::string metric;
    Op op = Op::ge;
    double value = 0;
    std::string text; // as the user wrote it, for messages

    // Whether `measured` meets the criterion. "==" allows a relative
    // difference of 1e-9, so that 0.1 + 0.2 == 0.3 holds as people expect.
    bool holds(double measured) const;
};

// Parses "METRIC OP VALUE" ("accuracy >= 0.9", "loss<0.3"; spaces optional).
// METRIC is a metric name as runs flatten them ("train.rows"); VALUE is a
// finite number. Anything else is a usage error that shows the expected form.
Result<Criterion> parse_criterion(std::string_view text);

// Which way a metric improves; regression is a move the other way.
enum class Direction { higher_is_better, lower_is_better };

struct RegressionLimit {
    std::string metric;
    double delta = 0;      // the largest allowed move in the worse direction
    bool relative = false; // delta is a fraction of the baseline value ("2%")
    // Unset: decided by direction_of() once the criteria are known.
    std::optional<Direction> direction;
};

// Parses "METRIC=DELTA": DELTA a non-negative number, or a percentage
// ("accuracy=2%") of the baseline's value.
Result<RegressionLimit> parse_regression_limit(std::string_view text);

// Which way `metric` improves: a ">="/">" criterion on it says higher, a
// "<="/"<" one lower; else names of losses and errors (loss, error, mse,
// rmse, mae, latency, time, duration...) are lower-is-better, and anything
// else higher-is-better, as accuracy, f1, auc and r2 are.
Direction direction_of(std::string_view metric, const std::vector<Criterion>& criteria);

// "higher" or "lower"
std::string_view to_string(Direction d);

} // namespace mlci::validate
