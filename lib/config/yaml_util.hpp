// Helpers for reading YAML with errors that name file:line and the key.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <mlci/core/duration.hpp>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

// The one way mlci reads YAML from outside (mlci.yaml, params, metrics,
// schemas, a -p value): parses `text` after check_yaml_text, then applies
// check_yaml_tree and check_unique_keys. A usage error naming `name` and the
// line otherwise.
Result<YAML::Node> parse_yaml(std::string_view text, std::string_view name);

// Reads and parses the YAML file `file` with parse_yaml.
Result<YAML::Node> load_yaml_file(const std::filesystem::path& file);

// Checks that `text` holds only characters YAML allows, before yaml-cpp reads
// it: yaml-cpp takes a NUL for the end of the input, reads a byte that is not
// UTF-8 as U+FFFD (three bytes) and drops control characters, so it would
// parse part of the file and its positions would drift from the file's.
// A usage error "NAME:LINE: malformed YAML: WHAT" otherwise.
Status check_yaml_text(std::string_view text, std::string_view name);

// "FILE:LINE: " for a node (lines counted from 1).
std::string where(const std::filesystem::path& file, const YAML::Node& node);

// An error at a node: "FILE:LINE: key 'KEY': WHAT".
std::unexpected<Error> bad_key(const std::filesystem::path& file, const YAML::Node& node,
                               std::string_view key, std::string_view what);

// Checks that `map` is a map whose keys are all in `allowed`.
Status expect_keys(const std::filesystem::path& file, const YAML::Node& map, std::string_view what,
                   std::initializer_list<std::string_view> allowed);

// Checks that a document read from outside is a tree that code walking it
// recursively can finish: at most k_yaml_max_depth levels, and at most
// k_yaml_max_nodes nodes with aliases expanded. yaml-cpp makes "&a [*a]" a
// cycle, and aliases of aliases a graph with exponentially many paths
// ("billion laughs"). A usage error naming `name` otherwise.
inline constexpr size_t k_yaml_max_depth = 256;
inline constexpr size_t k_yaml_max_nodes = 1'000'000;
Status check_yaml_tree(const YAML::Node& root, std::string_view name);

// Checks that no mapping of `root` names a key twice: yaml-cpp keeps both and
// a lookup finds the first, so a second `validate:` block would be silently
// ignored. A usage error "NAME:LINE: key 'KEY' is repeated (first on line N)".
// Call it on a tree check_yaml_tree passed (it recurses).
Status check_unique_keys(const YAML::Node& root, std::string_view name);

// The text of a mapping key; a usage error for a key that is a list or a
// mapping ("[a]: 1", "? {a: 1}"), on which yaml-cpp's as<std::string>() throws.
Result<std::string> key_text(const std::filesystem::path& file, const YAML::Node& key);

// Typed readers: a usage error naming the key when the type is wrong.
Result<std::string> as_string(const std::filesystem::path& file, const YAML::Node& node,
                              std::string_view key);
Result<double> as_number(const std::filesystem::path& file, const YAML::Node& node,
                         std::string_view key);
// A duration (lib/core/duration.hpp): seconds, or a number with a unit.
Result<std::chrono::milliseconds> as_duration(const std::filesystem::path& file,
                                              const YAML::Node& node, std::string_view key,
                                              ZeroDuration zero = ZeroDuration::refused);
Result<bool> as_bool(const std::filesystem::path& file, const YAML::Node& node,
                     std::string_view key);
Result<std::vector<std::string>> as_string_list(const std::filesystem::path& file,
                                                const YAML::Node& node, std::string_view key);

} // namespace mlci::config
