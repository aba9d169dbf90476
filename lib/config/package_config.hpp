// The `package:` section of mlci.yaml: what `mlci package` builds when the
// CI step is just `mlci package REF`. Every key has a flag, and flags win.
//
//   package:
//     base: scratch                 # or oci:DIR[:REF], oci-archive:FILE, a store reference
//     entrypoint: [python3, /app/serve.py]   # a list, or one string
//     cmd: [--port, "8080"]
//     env: {MODEL_PATH: /model/model.pkl}    # a map, or a list of K=V
//     ports: [8080]                 # or port: 8080
//     workdir: /app
//     add: [src/serve.py, requirements.txt:/app/requirements.txt]
//     labels: {team: ml}
//     tag: iris-image               # NAME (versioned NAME:vN) or NAME:TAG
//     output: oci-archive:iris.tar  # or docker-archive:FILE
//     compression: gzip             # none, gzip or zstd
//     format: image                 # or modelpack
//     layout: standard              # or modelcar: the model alone under /models (KServe)
//     model_dir: /model
//
// Relative `add` sources are relative to the project root (mlci.yaml's folder).
#pragma once

#include <filesystem>
#include <map>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::config {

struct PackageConfig {
    std::optional<std::string> base;
    std::optional<std::vector<std::string>> entrypoint, cmd;
    std::vector<std::string> env; // K=V, in the file's order
    std::vector<std::string> ports;
    std::optional<std::string> workdir;
    std::vector<std::string> add; // SRC[:DEST]
    std::map<std::string, std::string> labels;
    std::optional<std::string> tag, output, compression, format, layout, model_dir;
};

// Reads root["package"]; nothing when the section is absent. Unknown keys
// and wrong types are usage errors naming file:line and the key.
Result<std::optional<PackageConfig>> parse_package_config(const YAML::Node& root,
                                                          const std::filesystem::path& file);

} // namespace mlci::config
