// The documents of a YAML file, each with marks that point into the whole text.
#pragma once

#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::deploy {

// The documents of `text` (separated by "---" or ended by "..."), loaded one
// by one; throws YAML::Exception on a malformed one.
std::vector<YAML::Node> load_yaml_documents(std::string_view text);

} // namespace mlci::deploy
