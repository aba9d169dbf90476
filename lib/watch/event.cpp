#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <mlci/core/text.hpp>
#include <mlci/watch/event.hpp>
#include <simdjson.h>
#include <unordered_map>

namespace mlci::watch {

namespace ondemand = simdjson::ondemand;

namespace {

// Heterogeneous lookup: feature keys arrive as string_views into the parser.
struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

bool digits(std::string_view s, size_t at, size_t n, int& out) {
    if (at + n > s.size())
        return false;
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + n, out);
    return ec == std::errc() && p == s.data() + at + n;
}

// Reads one value into `v`; an error message for arrays and objects. The
// message names "feature 'NAME'" or "'NAME'" (formatted only on error: this
// runs for every value of every event).
std::string read_value(ondemand::value value, Value& v, std::string_view name, bool feature) {
    auto what = [&] {
        return feature ? fmt::format("feature '{}'", name) : fmt::format("'{}'", name);
    };
    ondemand::json_type type;
    if (value.type().get(type))
        return fmt::format("{} is not valid JSON", what());
    switch (type) {
    case ondemand::json_type::null:
        v.kind = Value::Kind::missing;
        return {};
    case ondemand::json_type::number: {
        v.text = trim_end(value.raw_json_token());
        double x;
        if (value.get_double().get(x))
            return fmt::format("{} is not a valid number", what());
        v.kind = Value::Kind::number;
        v.number = x;
        return {};
    }
    case ondemand::json_type::string: {
        std::string_view s;
        if (value.get_string().get(s))
            return fmt::format("{} is not a valid string", what());
        v.kind = Value::Kind::text;
        v.text = s;
        return {};
    }
    case ondemand::json_type::boolean: {
        bool b;
        if (value.get_bool().get(b))
            return fmt::format("{} is not a valid boolean", what());
        v.kind = Value::Kind::text;
        v.text = b ? "true" : "false";
        return {};
    }
    default:
        return fmt::format("{} is an {}", what(),
                           type == ondemand::json_type::array ? "array" : "object");
    }
}

} // namespace

std::optional<double> parse_timestamp(std::string_view text) {
    text = trim_end(text);
    double x;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (ec == std::errc() && p == text.data() + text.size()) {
        // from_chars reads "nan" and "inf" too: not a time.
        if (!std::isfinite(x))
            return std::nullopt;
        return x > 1e11 ? x / 1000.0 : x;
    }
    // RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
    std::tm tm{};
    int y, mo, d, h, mi, s;
    if (!digits(text, 0, 4, y) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, mo) ||
        text[7] != '-' || !digits(text, 8, 2, d) ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, h) ||
        text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, s))
        return std::nullopt;
    size_t at = 19;
    double frac = 0;
    if (at < text.size() && text[at] == '.') {
        size_t start = at;
        ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            ++at;
        if (at == start + 1)
            return std::nullopt;
        std::from_chars(text.data() + start, text.data() + at, frac);
    }
    long offset = 0;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int oh, om;
        if (!digits(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
            !digits(text, at + 4, 2, om))
            return std::nullopt;
        offset = (text[at] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<double>(timegm(&tm) - offset) + frac;
}

struct EventParser::Impl {
    EventFields fields;
    std::vector<std::string> names;
    std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index;
    ondemand::parser parser;
    std::string copy; // parse_copy's padded buffer

    std::string parse(std::string_view line, size_t capacity, Event& e);
    std::string parse_features(ondemand::value value, Event& e);
};

std::string EventParser::Impl::parse_features(ondemand::value value, Event& e) {
    ondemand::object obj;
    if (value.get_object().get(obj))
        return fmt::format("'{}' is not an object", fields.features);
    size_t next = 0;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key))
            return fmt::format("'{}' is not valid JSON", fields.features);
        // Producers write keys in one order: the name after the last match
        // is nearly always the next key, which saves hashing it.
        size_t at = next < names.size() && names[next] == key ? next : names.size();
        if (at == names.size()) {
            auto it = index.find(key);
            if (it == index.end()) {
                ++e.unknown_features;
                continue;
            }
            at = it->second;
        }
        next = at + 1;
        auto err = read_value(field.value(), e.features[at], names[at], true);
        if (!err.empty())
            return err;
    }
    return {};
}

std::string EventParser::Impl::parse(std::string_view line, size_t capacity, Event& e) {
    for (auto& v : e.features)
        v = Value{};
    e.prediction = Value{};
    e.label = Value{};
    e.ts.reset();
    e.unknown_features = 0;
    // A line holds one object: '{' first, '}' last (simdjson's on-demand
    // iteration stops at the object's end and would not see what follows).
    auto first = line.find_first_not_of(" \t\r");
    auto last = line.find_last_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] != '{' || line[last] != '}') {
        auto c = first == std::string_view::npos ? '\0' : line[first];
        bool value = c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
                     (c == '{' && line[last] != '}');
        auto word = first == std::string_view::npos ? std::string_view()
                                                    : line.substr(first, last - first + 1);
        value = value || word == "true" || word == "false" || word == "null";
        return value && c != '{' ? "not a JSON object" : "not valid JSON";
    }
    ondemand::document doc;
    if (parser.iterate(line.data(), line.size(), capacity).get(doc))
        return "not valid JSON";
    ondemand::object obj;
    if (doc.get_object().get(obj))
        return "not valid JSON";
    bool has_features = false;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key))
            return "not valid JSON";
        std::string err;
        if (key == fields.features) {
            err = parse_features(field.value(), e);
            has_features = true;
        } else if (key == fields.prediction) {
            err = read_value(field.value(), e.prediction, fields.prediction, false);
        } else if (key == fields.label) {
            err = read_value(field.value(), e.label, fields.label, false);
        } else if (key == fields.ts) {
            Value ts;
            err = read_value(field.value(), ts, fields.ts, false);
            if (err.empty() && ts.kind != Value::Kind::missing) {
                e.ts = parse_timestamp(ts.text);
                if (!e.ts)
                    err = fmt::format("'{}' is not a timestamp", fields.ts);
            }
        }
        if (!err.empty())
            return err;
    }
    // Past the object there must be nothing: current_location() is out of bounds.
    if (!doc.current_location().error())
        return "not valid JSON (text after the object)";
    if (!has_features)
        return fmt::format("no '{}' object", fields.features);
    return {};
}

EventParser::EventParser(EventFields fields, std::vector<std::string> feature_names)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->fields = std::move(fields);
    m_impl->names = std::move(feature_names);
    for (size_t i = 0; i < m_impl->names.size(); ++i)
        m_impl->index.emplace(m_impl->names[i], i);
}

EventParser::~EventParser() = default;
EventParser::EventParser(EventParser&&) noexcept = default;
EventParser& EventParser::operator=(EventParser&&) noexcept = default;

std::string EventParser::parse(std::string_view line, Event& event) {
    event.features.resize(m_impl->names.size());
    return m_impl->parse(line, line.size() + padding(), event);
}

std::string EventParser::parse_copy(std::string_view line, Event& event) {
    m_impl->copy.assign(line);
    m_impl->copy.append(padding(), '\0');
    event.features.resize(m_impl->names.size());
    return m_impl->parse(std::string_view(m_impl->copy.data(), line.size()), m_impl->copy.size(),
                         event);
}

size_t EventParser::padding() {
    return simdjson::SIMDJSON_PADDING;
}

const std::vector<std::string>& EventParser::feature_names() const {
    return m_impl->names;
}

} // namespace mlci::watch
