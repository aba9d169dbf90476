#include <mlci/package/package.hpp>

namespace mlci::package {

nlohmann::json to_json(const PackageResult& r, const std::optional<oci::ArchiveTarget>& output) {
    nlohmann::json layers = nlohmann::json::array();
    for (auto& l : r.layers)
        layers.push_back({{"digest", l.blob.digest.str()},
                          {"mediaType", l.blob.media_type},
                          {"size", l.blob.size},
                          {"diff_id", l.diff_id.str()}});
    return {{"reference", r.reference},
            {"digest", r.manifest.digest.str()},
            {"mediaType", r.manifest.media_type},
            {"artifactType", r.manifest.artifact_type},
            {"size", r.manifest.size},
            {"unchanged", r.unchanged},
            {"created", r.created},
            {"base", r.base.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.base)},
            {"run", {{"reference", r.run}, {"digest", r.run_digest.str()}}},
            {"validation",
             {{"digest", r.validation ? nlohmann::json(r.validation->str()) : nullptr},
              {"verdict", r.verdict}}},
            {"layers", layers},
            {"model_files", r.model_files},
            {"model_bytes", r.model_bytes},
            {"serving_files", r.serving_files},
            {"provenance", r.provenance.digest.str()},
            {"output", output ? nlohmann::json(output->file.string()) : nullptr}};
}

} // namespace mlci::package
