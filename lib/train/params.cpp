#include <charconv>
#include <cmath>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/text.hpp>
#include <mlci/train/metrics.hpp>
#include <mlci/train/params.hpp>

namespace mlci::train {

namespace {

bool is_null_text(std::string_view t) {
    return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

std::optional<bool> bool_text(std::string_view t) {
    if (t == "true" || t == "True" || t == "TRUE")
        return true;
    if (t == "false" || t == "False" || t == "FALSE")
        return false;
    return {};
}

// YAML 1.2 core schema integer: [-+]?[0-9]+, 0o17, 0x1F.
std::optional<int64_t> int_text(std::string_view t) {
    int base = 10;
    std::string_view digits = t;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    if (digits.starts_with("0x") && digits.size() > 2 && t == digits) {
        base = 16;
        digits.remove_prefix(2);
    } else if (digits.starts_with("0o") && digits.size() > 2 && t == digits) {
        base = 8;
        digits.remove_prefix(2);
    }
    if (digits.empty())
        return {};
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || p != digits.data() + digits.size())
        return {};
    if (v > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0))
        return {};
    return negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

// Whether `t` matches [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
// By hand: libstdc++'s std::regex recurses once a character, so a number of
// some 100,000 digits in a metrics or params file overflowed the stack.
bool float_syntax(std::string_view t) {
    size_t i = 0;
    auto sign = [&] {
        if (i < t.size() && (t[i] == '-' || t[i] == '+'))
            ++i;
    };
    auto digits = [&] {
        size_t b = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9')
            ++i;
        return i > b;
    };
    sign();
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits())
            return false;
    } else {
        if (!digits())
            return false;
        if (i < t.size() && t[i] == '.') {
            ++i;
            digits();
        }
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        sign();
        if (!digits())
            return false;
    }
    return i == t.size();
}

// YAML 1.2 core schema float, without .inf and .nan (JSON cannot hold them).
std::optional<double> float_text(std::string_view t) {
    if (t.empty() || !float_syntax(t))
        return {};
    std::string_view s = t.front() == '+' ? t.substr(1) : t;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
        return {};
    return v;
}

// Splits at commas that are not inside brackets, braces or quotes.
std::vector<std::string> split_values(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == ',' && depth == 0) {
            out.push_back(std::move(cur));
            cur.clear();
            continue;
        }
        cur.push_back(c);
    }
    out.push_back(std::move(cur));
    return out;
}

Result<nlohmann::json> parse_value(std::string_view text, std::string_view what) {
    auto t = trim(text);
    // Anything beyond a plain word goes through YAML, so that lists, maps
    // and quoted strings mean what they mean in a params file.
    if (!t.empty() &&
        (t.front() == '[' || t.front() == '{' || t.front() == '"' || t.front() == '\'')) {
        auto name = "<" + std::string(what) + ">";
        auto node = config::parse_yaml(t, name);
        if (!node)
            return usage_error("malformed value in '{}': {}", what, node.error().message);
        return yaml_to_json(*node, name);
    }
    return typed_scalar(t);
}

Result<std::string> parse_key(std::string_view key, std::string_view text) {
    auto k = trim(key);
    if (k.empty() || k.front() == '.' || k.back() == '.' || k.find("..") != std::string::npos)
        return usage_error("invalid parameter '{}': expected KEY=VALUE with a KEY like 'lr' or "
                           "'model.depth'",
                           text);
    return std::string(k);
}

void flatten_into(const nlohmann::json& j, const std::string& prefix,
                  std::map<std::string, nlohmann::json>& out) {
    if (j.is_object() && !j.empty()) {
        for (auto& [k, v] : j.items())
            flatten_into(v, prefix.empty() ? k : fmt::format("{}.{}", prefix, k), out);
        return;
    }
    out[prefix] = j;
}

} // namespace

nlohmann::json typed_scalar(std::string_view text) {
    if (is_null_text(text))
        return nullptr;
    if (auto b = bool_text(text))
        return *b;
    if (auto i = int_text(text))
        return *i;
    if (auto d = float_text(text))
        return *d;
    return std::string(text);
}

namespace {

// yaml_to_json on a tree that check_yaml_tree passed.
Result<nlohmann::json> tree_to_json(const YAML::Node& node, const fs::path& file) {
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return nullptr;
    case YAML::NodeType::Scalar:
        // yaml-cpp tags plain scalars "?" and quoted ones "!".
        if (node.Tag() == "!")
            return node.Scalar();
        return typed_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
        auto out = nlohmann::json::array();
        for (auto& item : node) {
            MLCI_TRY_ASSIGN(v, tree_to_json(item, file));
            out.push_back(std::move(v));
        }
        return out;
    }
    case YAML::NodeType::Map: {
        auto out = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar())
                return usage_error("{}:{}: a key must be a plain name", file.string(),
                                   it->first.Mark().line + 1);
            MLCI_TRY_ASSIGN(v, tree_to_json(it->second, file));
            out[it->first.Scalar()] = std::move(v);
        }
        return out;
    }
    }
    return nullptr;
}

} // namespace

Result<nlohmann::json> yaml_to_json(const YAML::Node& node, const fs::path& file) {
    // The recursion below would never end on a self-referencing alias.
    MLCI_TRY(config::check_yaml_tree(node, file.string()));
    return tree_to_json(node, file);
}

Result<nlohmann::json> load_params_file(const fs::path& file) {
    auto text = read_file(file);
    if (!text)
        return usage_error("cannot read params file '{}': {}", file.string(), text.error().message);
    MLCI_TRY_ASSIGN(root, config::parse_yaml(*text, file.string()));
    if (root.IsNull())
        return nlohmann::json::object();
    if (!root.IsMap())
        return usage_error("{}: a params file must be a mapping of names to values", file.string());
    return yaml_to_json(root, file);
}

Result<Override> parse_override(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return usage_error("invalid parameter '{}': expected KEY=VALUE", text);
    MLCI_TRY_ASSIGN(key, parse_key(text.substr(0, eq), text));
    MLCI_TRY_ASSIGN(value, parse_value(text.substr(eq + 1), text));
    return Override{key, std::move(value)};
}

Status apply_override(nlohmann::json& params, const Override& o) {
    if (!params.is_object())
        params = nlohmann::json::object();
    nlohmann::json* at = &params;
    size_t start = 0;
    for (;;) {
        auto dot = o.key.find('.', start);
        auto part = o.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (dot == std::string::npos) {
            (*at)[part] = o.value;
            return {};
        }
        auto& next = (*at)[part];
        if (next.is_null())
            next = nlohmann::json::object();
        if (!next.is_object())
            return usage_error("cannot set parameter '{}': '{}' is {}, not a mapping", o.key,
                               o.key.substr(0, dot), format_value(next));
        at = &next;
        start = dot + 1;
    }
}

Result<GridAxis> parse_grid_axis(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return usage_error("invalid grid '{}': expected KEY=V1,V2,...", text);
    MLCI_TRY_ASSIGN(key, parse_key(text.substr(0, eq), text));
    GridAxis axis{key, {}};
    for (auto& part : split_values(text.substr(eq + 1))) {
        if (trim(part).empty())
            return usage_error("invalid grid '{}': empty value", text);
        MLCI_TRY_ASSIGN(v, parse_value(part, text));
        axis.values.push_back(std::move(v));
    }
    return axis;
}

std::vector<std::vector<Override>> expand_grid(const std::vector<GridAxis>& axes) {
    std::vector<std::vector<Override>> out{{}};
    for (auto& axis : axes) {
        std::vector<std::vector<Override>> next;
        for (auto& combo : out)
            for (auto& v : axis.values) {
                auto c = combo;
                c.push_back({axis.key, v});
                next.push_back(std::move(c));
            }
        out = std::move(next);
    }
    return out;
}

std::map<std::string, nlohmann::json> flatten_params(const nlohmann::json& params) {
    std::map<std::string, nlohmann::json> out;
    if (params.is_object())
        for (auto& [k, v] : params.items())
            flatten_into(v, k, out);
    return out;
}

std::string format_value(const nlohmann::json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_float())
        return format_number(value.get<double>());
    return value.dump();
}

} // namespace mlci::train
