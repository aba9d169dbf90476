// Writes a layer blob into the store in one streamed pass over its files:
//
//   tar (libarchive) | diff_id sha256 (one thread)          | sha256 + write
//                    | compress (gzip or zstd threads)     |
//
// The stages run on their own threads over a ring of 1 MiB blocks, so
// reading, compressing and writing overlap and memory stays bounded (a few
// blocks per thread) whatever the layer's size.
#pragma once

#include <functional>
#include <mlci/core/progress.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/tar_writer.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::oci {

struct LayerOptions {
    Compression compression = Compression::gzip;
    int level = 0;               // 0: the codec's default (gzip 6, zstd 3)
    unsigned jobs = 0;           // compression threads; 0: all cores
    int64_t mtime = 0;           // of every tar entry (see epoch.hpp)
    std::string phase = "layer"; // names the progress reports
};

struct Layer {
    store::Descriptor blob; // as stored: OCI layer media type, digest, size
    hash::Digest diff_id;   // sha256 of the uncompressed tar
    uint64_t tar_size = 0;
};

// Writes the files `entries` name as a reproducible tar layer (tar_writer.hpp).
Result<Layer> write_layer(const store::Store& store, std::vector<TarEntry> entries,
                          const LayerOptions& options, const Reporter& reporter);

// Writes whatever `produce` sends to its sink as a layer: the general form
// of write_layer. `expected_size` (0 if unknown) is for progress only.
Result<Layer> write_layer_stream(const store::Store& store, const Producer& produce,
                                 uint64_t expected_size, const LayerOptions& options,
                                 const Reporter& reporter);

} // namespace mlci::oci
