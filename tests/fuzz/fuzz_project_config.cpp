// mlci.yaml: every section (project, package:, environments:) and the
// --schema file, parsed from the same text.
#include "fuzz_util.hpp"

#include <mlci/config/environment_config.hpp>
#include <mlci/config/package_config.hpp>
#include <mlci/config/project_config.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(mlci::fuzz::as_text(data, size));
    const std::filesystem::path file = "/nonexistent/mlci.yaml";
    (void)mlci::config::parse_project_config(text, file);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception&) {
        return 0; // the parse_* functions above reported it as a usage error
    }
    (void)mlci::config::parse_package_config(root, file);
    (void)mlci::config::parse_environments(root, file);
    (void)mlci::config::parse_schema(root, file);
    return 0;
}
