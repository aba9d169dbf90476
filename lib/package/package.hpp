// `mlci package`: a validated run's model as a runnable OCI image (or a
// ModelPack artifact) in the store, tagged, with its lineage in annotations
// and a provenance attestation attached as a referrer.
//
// The image is reproducible: the same run, base, flags and SOURCE_DATE_EPOCH
// give the same digest in any store on any machine. Nothing store-specific
// (tags, paths, the clock) goes into it unless given as a flag.
#pragma once

#include <cstdint>
#include <mlci/core/progress.hpp>
#include <mlci/oci/archive_writer.hpp>
#include <mlci/oci/base_image.hpp>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/image_config.hpp>
#include <mlci/oci/layer_writer.hpp>
#include <mlci/package/source.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::package {

enum class Format { image, modelpack };
// "image" or "modelpack"
Result<Format> parse_format(std::string_view text);
std::string_view to_string(Format f);

// Where an image puts the model: `standard`, under --model-dir beside the
// serving files; `modelcar`, the model alone under /models on a base with a
// shell, as KServe's oci:// storage URI expects (its modelcar container runs
// `sh` and `ln` in the image to share /models with the model server).
enum class Layout { standard, modelcar };
// "standard" or "modelcar"
Result<Layout> parse_layout(std::string_view text);
std::string_view to_string(Layout l);

inline constexpr const char* k_default_model_dir = "/model";
inline constexpr const char* k_modelcar_model_dir = "/models";
inline constexpr const char* k_default_workdir = "/app";

struct Options {
    std::string base = "scratch";
    oci::ConfigChanges changes; // entrypoint, cmd, env, workdir, ports, labels
    std::vector<AddSpec> add;
    std::string model_dir = k_default_model_dir;
    std::string tag; // "", NAME (versioned NAME:vN) or NAME:TAG
    std::optional<oci::ArchiveTarget> output;
    oci::Compression compression = oci::Compression::gzip;
    Format format = Format::image;
    Layout layout = Layout::standard;
    bool allow_unvalidated = false;
    unsigned jobs = 0; // 0: all cores
    std::optional<int64_t> source_date_epoch;
    oci::Platform platform; // chosen from a multi-platform base
    std::string requested;  // the reference as the user gave it (provenance)
};

struct PackageResult {
    std::string reference;      // the tag: NAME:TAG
    store::Descriptor manifest; // the image or ModelPack manifest
    bool unchanged = false;     // the same image already had a NAME:vN tag
    std::string run;            // the run's reference
    hash::Digest run_digest;
    std::string verdict; // passed, failed or none
    std::optional<hash::Digest> validation;
    std::vector<oci::Layer> layers; // the layers made here (model first)
    uint64_t model_files = 0, model_bytes = 0, serving_files = 0;
    store::Descriptor provenance;
    std::string created;
    std::string base; // the base spec
};

// Packages the run that `entry` is or stands for. A run without a passing
// validation is refused with an Exit::gate error unless allow_unvalidated.
Result<PackageResult> package_run(store::Store& store, const store::IndexEntry& entry,
                                  const Options& options, const Reporter& reporter);

// `mlci package --json`: the manifest ("reference", "digest", "mediaType",
// "artifactType", "size"), "unchanged", "created", "base" (null when none),
// "run" and "validation" ({"digest" (null when none), "verdict"}), "layers"
// made here ([{"digest", "mediaType", "size", "diff_id"}]), "model_files",
// "model_bytes", "serving_files", "provenance", and "output": the archive
// file written (`output`, Options::output), null when none.
nlohmann::json to_json(const PackageResult& result,
                       const std::optional<oci::ArchiveTarget>& output);

// The tag name a package of run `run_name` gets without --tag:
// "<run-name>-image" (or "-modelpack"), lowercased.
std::string default_package_name(std::string_view run_name, Format format);

} // namespace mlci::package
