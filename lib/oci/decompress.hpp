// Reading compressed layers back: docker-archive needs them as plain tars.
#pragma once

#include <filesystem>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/tar_writer.hpp>

namespace mlci::oci {

// Streams the uncompressed bytes of the file at `path`, compressed with `c`,
// to `sink` in pieces of at most 1 MiB. Corrupt input is a runtime error.
Status decompress_file(const std::filesystem::path& path, Compression c, const ByteSink& sink);

} // namespace mlci::oci
