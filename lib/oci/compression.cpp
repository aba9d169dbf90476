#include <mlci/oci/compression.hpp>
#include <mlci/oci/media_types.hpp>

namespace mlci::oci {

std::string_view to_string(Compression c) {
    switch (c) {
    case Compression::none:
        return "none";
    case Compression::gzip:
        return "gzip";
    case Compression::zstd:
        return "zstd";
    }
    return "none";
}

Result<Compression> parse_compression(std::string_view text) {
    for (auto c : {Compression::none, Compression::gzip, Compression::zstd})
        if (to_string(c) == text)
            return c;
    return usage_error("unknown compression '{}' (use none, gzip or zstd)", text);
}

std::string with_compression_suffix(std::string_view base, Compression c) {
    std::string out(base);
    if (c != Compression::none)
        out += fmt::format("+{}", to_string(c));
    return out;
}

std::string layer_media_type(Compression c) {
    return with_compression_suffix(k_layer_tar, c);
}

std::optional<Compression> layer_compression(std::string_view media_type) {
    if (media_type.ends_with(".tar"))
        return Compression::none;
    if (media_type.ends_with(".tar+gzip") || media_type.ends_with(".tar.gzip"))
        return Compression::gzip;
    if (media_type.ends_with(".tar+zstd"))
        return Compression::zstd;
    return {};
}

} // namespace mlci::oci
