// How a layer blob is compressed, and the media types that say so.
#pragma once

#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::oci {

enum class Compression { none, gzip, zstd };

// "none", "gzip", "zstd"
std::string_view to_string(Compression c);
// Parses "none", "gzip" or "zstd"; a usage error naming the choices otherwise.
Result<Compression> parse_compression(std::string_view text);

// The OCI layer media type of a tar compressed with `c`.
std::string layer_media_type(Compression c);
// `base` ("application/vnd.cncf.model.weight.v1.tar") with the suffix of `c` ("+gzip").
std::string with_compression_suffix(std::string_view base, Compression c);

// The compression of a layer blob from its media type (OCI, Docker or ModelPack
// "...tar", "...tar+gzip", "...tar+zstd", Docker "...tar.gzip"); nothing when
// the type is not a tar layer.
std::optional<Compression> layer_compression(std::string_view media_type);

} // namespace mlci::oci
