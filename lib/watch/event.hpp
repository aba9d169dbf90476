// Inference events as JSON lines, parsed with simdjson's on-demand API (the
// hot path of `mlci watch`):
//   {"ts": 1700000000.5, "features": {"age": 41, "city": "Oslo"},
//    "prediction": "yes", "label": "no"}
// Field names are configurable; features are matched by name to the
// baseline's columns. A line that is not such an object is malformed: the
// parser says why and the caller counts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::watch {

struct EventFields {
    std::string ts = "ts";
    std::string features = "features";
    std::string prediction = "prediction";
    std::string label = "label";
};

// One value of an event. `text` is the string, or a number's JSON token, or
// "true"/"false"; it points into the parser and lives until the next parse().
struct Value {
    enum class Kind : uint8_t { missing, number, text };
    Kind kind = Kind::missing;
    double number = 0;
    std::string_view text;
};

struct Event {
    std::vector<Value> features; // in the order of the names given to the parser
    Value prediction, label;
    std::optional<double> ts;      // seconds since the epoch
    uint32_t unknown_features = 0; // keys of `features` that no name matched
};

// Parses a timestamp: seconds since the epoch (a number; milliseconds when
// above 1e11), or an RFC 3339 string (2024-05-01T12:00:00.5Z, +02:00).
std::optional<double> parse_timestamp(std::string_view text);

class EventParser {
public:
    EventParser(EventFields fields, std::vector<std::string> feature_names);
    ~EventParser();
    EventParser(EventParser&&) noexcept;
    EventParser& operator=(EventParser&&) noexcept;

    // Parses one line into `event` (reused between calls). `line` must be
    // followed by at least padding() readable bytes (simdjson reads ahead).
    // Returns an empty string when the line is an event, else why it is not.
    std::string parse(std::string_view line, Event& event);

    // Parses a line held in a string of its own (copies it into a padded buffer).
    std::string parse_copy(std::string_view line, Event& event);

    static size_t padding();
    const std::vector<std::string>& feature_names() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mlci::watch
