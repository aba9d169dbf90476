#include <algorithm>
#include <charconv>
#include <mlci/config/yaml_util.hpp>

namespace mlci::config {

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

Status expect_keys(const std::filesystem::path& file, const YAML::Node& map, std::string_view what,
                   std::initializer_list<std::string_view> allowed) {
    if (!map.IsMap())
        return bad_key(file, map, what, "expected a mapping");
    for (auto it = map.begin(); it != map.end(); ++it) {
        auto key = it->first.as<std::string>();
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
