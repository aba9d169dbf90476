#include <algorithm>
#include <charconv>
#include <map>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/utf8.hpp>

namespace mlci::config {

Result<YAML::Node> parse_yaml(std::string_view text, std::string_view name) {
    MLCI_TRY(check_yaml_text(text, name));
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return usage_error("{}:{}: malformed YAML: {}", name, e.mark.line + 1, e.msg);
    }
    MLCI_TRY(check_yaml_tree(root, name));
    MLCI_TRY(check_unique_keys(root, name));
    return root;
}

Result<YAML::Node> load_yaml_file(const std::filesystem::path& file) {
    MLCI_TRY_ASSIGN(text, read_file(file));
    return parse_yaml(text, file.string());
}

Status check_yaml_text(std::string_view text, std::string_view name) {
    for (size_t i = 0; i < text.size();) {
        uint32_t cp;
        size_t n = decode_utf8(text, i, cp);
        // C0 and C1 controls other than tab, line feed, carriage return and NEL; DEL.
        bool control = n > 0 && ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
                                 cp == 0x7F || (cp >= 0x80 && cp <= 0x9F && cp != 0x85));
        if (n == 0 || control) {
            auto what = n == 0    ? "a byte that is not UTF-8"
                        : cp == 0 ? "a NUL byte (not a text file)"
                                  : "a control character";
            return usage_error("{}:{}: malformed YAML: {}", name,
                               std::count(text.begin(), text.begin() + i, '\n') + 1, what);
        }
        i += n;
    }
    return {};
}

namespace {

// False once `depth` or the node budget `left` is exceeded.
bool walk(const YAML::Node& n, size_t depth, size_t& left) {
    if (depth > k_yaml_max_depth || left == 0)
        return false;
    --left;
    if (n.IsSequence()) {
        for (const auto& item : n)
            if (!walk(item, depth + 1, left))
                return false;
    } else if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it)
            if (!walk(it->first, depth + 1, left) || !walk(it->second, depth + 1, left))
                return false;
    }
    return true;
}

} // namespace

Status check_yaml_tree(const YAML::Node& root, std::string_view name) {
    size_t left = k_yaml_max_nodes;
    if (!walk(root, 0, left))
        return usage_error("'{}' is nested more than {} levels deep or holds more than {} values "
                           "(aliases counted expanded; an alias inside its own anchor never ends)",
                           name, k_yaml_max_depth, k_yaml_max_nodes);
    return {};
}

Status check_unique_keys(const YAML::Node& node, std::string_view name) {
    if (node.IsSequence()) {
        for (const auto& item : node)
            MLCI_TRY(check_unique_keys(item, name));
    } else if (node.IsMap()) {
        std::map<std::string, int, std::less<>> seen; // key -> its first line
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it->first.IsScalar()) {
                auto [first, fresh] = seen.emplace(it->first.Scalar(), it->first.Mark().line);
                if (!fresh)
                    return usage_error("{}:{}: key '{}' is repeated (first on line {}); "
                                       "keep one of them",
                                       name, it->first.Mark().line + 1, it->first.Scalar(),
                                       first->second + 1);
            }
            MLCI_TRY(check_unique_keys(it->second, name));
        }
    }
    return {};
}

std::string where(const std::filesystem::path& file, const YAML::Node& node) {
    auto mark = node.Mark();
    if (mark.line < 0)
        return file.string();
    return fmt::format("{}:{}", file.string(), mark.line + 1);
}

std::unexpected<Error> bad_key(const std::filesystem::path& file, const YAML::Node& node,
                               std::string_view key, std::string_view what) {
    return usage_error("{}: key '{}': {}", where(file, node), key, what);
}

Result<std::string> key_text(const std::filesystem::path& file, const YAML::Node& key) {
    if (!key.IsScalar())
        return usage_error("{}: a key must be a plain name, not a list or a mapping",
                           where(file, key));
    return key.Scalar();
}

Status expect_keys(const std::filesystem::path& file, const YAML::Node& map, std::string_view what,
                   std::initializer_list<std::string_view> allowed) {
    if (!map.IsMap())
        return bad_key(file, map, what, "expected a mapping");
    for (auto it = map.begin(); it != map.end(); ++it) {
        MLCI_TRY_ASSIGN(key, key_text(file, it->first));
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string list;
            for (auto a : allowed)
                list += (list.empty() ? "" : ", ") + std::string(a);
            return bad_key(file, it->first, fmt::format("{}.{}", what, key),
                           fmt::format("unknown key (expected one of: {})", list));
        }
    }
    return {};
}

Result<std::string> as_string(const std::filesystem::path& file, const YAML::Node& node,
                              std::string_view key) {
    if (!node.IsScalar())
        return bad_key(file, node, key, "expected a string");
    return node.Scalar();
}

Result<double> as_number(const std::filesystem::path& file, const YAML::Node& node,
                         std::string_view key) {
    if (!node.IsScalar())
        return bad_key(file, node, key, "expected a number");
    const auto& s = node.Scalar();
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return bad_key(file, node, key, fmt::format("expected a number, got '{}'", s));
    return v;
}

Result<std::chrono::milliseconds> as_duration(const std::filesystem::path& file,
                                              const YAML::Node& node, std::string_view key,
                                              ZeroDuration zero) {
    if (!node.IsScalar())
        return bad_key(file, node, key, "expected a duration");
    auto d = parse_duration(node.Scalar(), zero);
    if (!d)
        return bad_key(file, node, key, d.error().message);
    return *d;
}

Result<bool> as_bool(const std::filesystem::path& file, const YAML::Node& node,
                     std::string_view key) {
    bool v = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v))
        return bad_key(file, node, key, "expected true or false");
    return v;
}

Result<std::vector<std::string>> as_string_list(const std::filesystem::path& file,
                                                const YAML::Node& node, std::string_view key) {
    std::vector<std::string> out;
    if (node.IsScalar()) {
        out.push_back(node.Scalar());
        return out;
    }
    if (!node.IsSequence())
        return bad_key(file, node, key, "expected a list of strings");
    for (auto item : node) {
        MLCI_TRY_ASSIGN(s, as_string(file, item, key));
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace mlci::config
