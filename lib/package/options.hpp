// The options of `mlci package` from its two sources: the `package:`
// section of mlci.yaml, and flags, which win key by key.
#pragma once

#include <filesystem>
#include <mlci/config/package_config.hpp>
#include <mlci/package/package.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::package {

// The flags as given; unset optionals and empty lists were not given.
struct Flags {
    std::optional<std::string> base, workdir, tag, output, compression, format, layout, model_dir,
        platform;
    std::optional<std::vector<std::string>> entrypoint, cmd, ports, add;
    std::vector<std::string> env, labels; // K=V
    bool allow_unvalidated = false;
    unsigned jobs = 0;
};

// Merges `config` (relative paths from `project_root`) and `flags` (relative
// paths from `cwd`); `epoch` is $SOURCE_DATE_EPOCH. Checks every value.
Result<Options> make_options(const Flags& flags, const std::optional<config::PackageConfig>& config,
                             const std::filesystem::path& cwd,
                             const std::filesystem::path& project_root,
                             std::optional<int64_t> epoch);

} // namespace mlci::package
