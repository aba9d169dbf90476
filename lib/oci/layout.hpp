// Reading images from outside the store: an OCI image layout directory
// (`oci:PATH`) or a tar of one (`oci-archive:FILE`), as skopeo writes them.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/progress.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::oci {

namespace fs = std::filesystem;

// Reads a whole small blob (a manifest, an index, a config), checking its digest.
using BlobReader = std::function<Result<std::string>(const store::Descriptor&)>;

// The largest manifest or config mlci reads whole; larger ones are refused
// before reading, so that a malformed descriptor cannot make it read a layer.
inline constexpr uint64_t k_max_document = 16u << 20;

// Checks that `dir` is an OCI image layout and returns its index.json.
Result<nlohmann::json> read_layout_index(const fs::path& dir);
// A BlobReader over the layout `dir`.
BlobReader layout_reader(const fs::path& dir);
// A BlobReader over the store.
BlobReader store_reader(const store::Store& store);

// Copies the blob `d` from the layout `dir` into the store (streamed, its
// digest checked); a no-op when the store has it.
Status import_layout_blob(const store::Store& store, const fs::path& dir,
                          const store::Descriptor& d);

// Copies every blob of the OCI archive `file` into the store, each checked
// against its name, and returns the archive's index.json.
Result<nlohmann::json> import_oci_archive(const store::Store& store, const fs::path& file,
                                          const Reporter& reporter);

} // namespace mlci::oci
