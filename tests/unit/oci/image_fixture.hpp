// A small image built with lib/oci, for tests that need one to start from.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/oci/epoch.hpp>
#include <mlci/oci/image.hpp>
#include <mlci/store/media_types.hpp>
#include <string>

namespace mlci::testing {

// Stores an image of one file (`path` holding `content`) on scratch, with an
// entrypoint, tagged `tag` in the index.
inline oci::Image make_image(store::Store& s, const std::filesystem::path& scratch_dir,
                             const std::string& tag, const std::string& content,
                             oci::Compression c = oci::Compression::gzip) {
    auto file = scratch_dir / ("src-" + std::to_string(std::hash<std::string>{}(content)));
    std::ofstream(file, std::ios::binary) << content;
    oci::TarEntry e{"usr/bin/tool", file, content.size(), true, false};
    auto layer = oci::write_layer(s, {e}, {c, 0, 2, oci::k_fixed_epoch, "test"}, {});
    REQUIRE(layer);
    auto base = oci::load_base_image(s, "scratch", {}, {});
    REQUIRE(base);
    oci::ImageSpec spec;
    spec.layers = {{*layer, "test", ""}};
    spec.changes.entrypoint = std::vector<std::string>{"/usr/bin/tool"};
    spec.changes.env = {"PATH=/usr/bin"};
    spec.created = oci::rfc3339(oci::k_fixed_epoch);
    auto image = oci::put_image(s, *base, spec);
    REQUIRE(image);
    REQUIRE(s.add_to_index(image->manifest, {tag}));
    return *image;
}

} // namespace mlci::testing
