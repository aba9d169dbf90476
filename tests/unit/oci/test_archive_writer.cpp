#include "../temp_dir.hpp"
#include "image_fixture.hpp"
#include "tar_reader.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/archive_writer.hpp>
#include <mlci/oci/image_config.hpp>

using namespace mlci;
using namespace mlci::oci;

namespace {

std::map<std::string, testing::ReadEntry> entries_of(const std::filesystem::path& file) {
    std::map<std::string, testing::ReadEntry> out;
    for (auto& e : testing::read_tar(read_file(file).value()))
        out[e.path] = e;
    return out;
}

} // namespace

TEST_CASE("oci archive: targets are parsed", "[oci]") {
    CHECK(parse_archive_target("oci-archive:a.tar").value().kind == ArchiveKind::oci);
    CHECK(parse_archive_target("docker-archive:/x/a.tar").value().file == "/x/a.tar");
    CHECK(parse_archive_target("tar:a.tar").error().code == Exit::usage);
    CHECK(parse_archive_target("oci-archive:").error().code == Exit::usage);
}

TEST_CASE("oci archive: an OCI archive is a layout of just the image", "[oci]") {
    testing::TempDir dir;
    auto s = *store::Store::init(dir / "store");
    auto image = testing::make_image(s, dir.path(), "tool:1", "binary");
    testing::make_image(s, dir.path(), "tool:2", "another image, not in the archive");
    auto file = dir / "out.tar";
    REQUIRE(write_archive(s, image.manifest, "tool:1", {ArchiveKind::oci, file}, 0, {}));
    auto entries = entries_of(file);
    std::vector<std::string> names;
    names.reserve(entries.size());
    for (auto& [name, e] : entries)
        names.push_back(name);
    CHECK(names.size() == 2 + 3 + 2); // folders, three blobs, index.json, oci-layout
    auto index = nlohmann::json::parse(entries.at("index.json").content);
    REQUIRE(index["manifests"].size() == 1);
    CHECK(index["manifests"][0]["digest"] == image.manifest.digest.str());
    CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "tool:1");
    auto blob = entries.at("blobs/sha256/" + std::string(image.manifest.digest.hex())).content;
    CHECK(hash::sha256_of(blob) == image.manifest.digest);
    for (auto& [name, e] : entries)
        CHECK(e.mtime == 0);

    // Written again: the same bytes; nothing left beside it.
    auto first = read_file(file).value();
    REQUIRE(write_archive(s, image.manifest, "tool:1", {ArchiveKind::oci, file}, 0, {}));
    CHECK(read_file(file).value() == first);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 4); // store, 2 sources, out.tar
}

TEST_CASE("oci archive: a docker archive has uncompressed layers and manifest.json", "[oci]") {
    testing::TempDir dir;
    auto s = *store::Store::init(dir / "store");
    for (auto c : {Compression::gzip, Compression::zstd, Compression::none}) {
        auto image = testing::make_image(s, dir.path(), "tool:1", "binary", c);
        auto file = dir / "docker.tar";
        REQUIRE(write_archive(s, image.manifest, "tool:1", {ArchiveKind::docker, file}, 0, {}));
        auto entries = entries_of(file);
        auto manifest = nlohmann::json::parse(entries.at("manifest.json").content);
        REQUIRE(manifest.size() == 1);
        CHECK(manifest[0]["RepoTags"] == nlohmann::json({"tool:1"}));
        auto config = nlohmann::json::parse(entries.at(manifest[0]["Config"]).content);
        auto ids = diff_ids(config, "config").value();
        REQUIRE(manifest[0]["Layers"].size() == ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
            auto& layer = entries.at(manifest[0]["Layers"][i]).content;
            CHECK(hash::sha256_of(layer) == ids[i]); // a plain tar: its digest is the diff_id
            CHECK(testing::read_tar(layer).back().path == "usr/bin/tool");
        }
    }
}

TEST_CASE("oci archive: a failed write leaves nothing behind", "[oci]") {
    testing::TempDir dir;
    auto s = *store::Store::init(dir / "store");
    auto image = testing::make_image(s, dir.path(), "tool:1", "binary");
    std::filesystem::remove(s.blob_path(image.doc.layers[0].digest));
    auto file = dir / "out.tar";
    REQUIRE_FALSE(write_archive(s, image.manifest, "tool:1", {ArchiveKind::oci, file}, 0, {}));
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 2);
}
