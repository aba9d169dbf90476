#include "../temp_dir.hpp"
#include "tar_reader.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/decompress.hpp>
#include <mlci/oci/epoch.hpp>
#include <mlci/oci/layer_writer.hpp>
#include <mlci/oci/media_types.hpp>
#include <random>

using namespace mlci;
using namespace mlci::oci;

namespace {

// Bytes that are neither all alike nor random: text-like, so that deflate
// finds matches across the 1 MiB blocks the pipeline cuts.
std::string sample(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    static const std::vector<std::string> words = {"weight ",  "bias ", "layer ", "0.125 ",
                                                   "-3.5e-2 ", "\n",    "tensor "};
    std::string out;
    while (out.size() < n)
        out += rng() % 5 == 0 ? std::string(1, static_cast<char>(rng())) : words[rng() % 7];
    out.resize(n);
    return out;
}

struct LayerFixture {
    testing::TempDir dir;
    store::Store store = *store::Store::init(dir / "store");
    std::vector<TarEntry> entries;

    LayerFixture() {
        // Three files: a few blocks' worth, one empty, one under a block.
        auto add = [&](const std::string& name, const std::string& content) {
            auto p = dir / name;
            std::ofstream(p, std::ios::binary) << content;
            entries.push_back({"model/" + name, p, content.size(), false, false});
        };
        add("weights.bin", sample((3 << 20) + 12345, 1));
        add("empty", "");
        add("config.json", sample(70000, 2));
    }

    std::string tar() {
        std::string out;
        REQUIRE(write_tar(entries, k_fixed_epoch, [&](const void* d, size_t n) {
            out.append(static_cast<const char*>(d), n);
            return Status();
        }));
        return out;
    }

    Layer layer(Compression c, unsigned jobs) {
        auto l = write_layer(store, entries, {c, 0, jobs, k_fixed_epoch, "test"}, {});
        REQUIRE(l);
        return *l;
    }

    std::string plain(const Layer& l, Compression c) {
        std::string out;
        REQUIRE(decompress_file(store.blob_path(l.blob.digest), c, [&](const void* d, size_t n) {
            out.append(static_cast<const char*>(d), n);
            return Status();
        }));
        return out;
    }
};

} // namespace

TEST_CASE("oci layer: an uncompressed layer is the tar, its digest the diff_id", "[oci]") {
    LayerFixture f;
    auto tar = f.tar();
    auto l = f.layer(Compression::none, 2);
    CHECK(l.blob.media_type == k_layer_tar);
    CHECK(l.diff_id == hash::sha256_of(tar));
    CHECK(l.blob.digest == l.diff_id);
    CHECK(l.tar_size == tar.size());
    CHECK(l.blob.size == tar.size());
}

TEST_CASE("oci layer: gzip decompresses to the tar, the same for any thread count", "[oci]") {
    LayerFixture f;
    auto tar = f.tar();
    auto one = f.layer(Compression::gzip, 1);
    auto three = f.layer(Compression::gzip, 3);
    CHECK(one.blob.media_type == k_layer_gzip);
    CHECK(one.blob.digest == three.blob.digest);
    CHECK(one.diff_id == hash::sha256_of(tar));
    CHECK(one.blob.size < tar.size());
    CHECK(f.plain(one, Compression::gzip) == tar);
    // A fixed gzip header: no mtime, OS "unknown".
    auto bytes = f.store.read_blob(one.blob.digest).value();
    CHECK(bytes.substr(0, 10) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
    // libarchive's own gzip reader agrees, entry by entry.
    auto entries = testing::read_tar(bytes);
    REQUIRE(entries.size() == 4);
    CHECK(entries[3].path == "model/weights.bin");
    CHECK(entries[3].content.size() == (3u << 20) + 12345);
}

TEST_CASE("oci layer: zstd decompresses to the tar, the same for any thread count", "[oci]") {
    LayerFixture f;
    auto tar = f.tar();
    auto one = f.layer(Compression::zstd, 1);
    auto four = f.layer(Compression::zstd, 4);
    CHECK(one.blob.media_type == k_layer_zstd);
    CHECK(one.blob.digest == four.blob.digest);
    CHECK(one.diff_id == hash::sha256_of(tar));
    CHECK(f.plain(four, Compression::zstd) == tar);
}

TEST_CASE("oci layer: a producer's error leaves no blob and is returned", "[oci]") {
    LayerFixture f;
    auto before =
        std::distance(std::filesystem::directory_iterator(f.store.root() / "blobs/sha256"),
                      std::filesystem::directory_iterator());
    for (auto c : {Compression::none, Compression::gzip, Compression::zstd}) {
        auto produce = [](const ByteSink& sink) -> Status {
            std::string chunk(700000, 'x');
            for (int i = 0; i < 5; ++i)
                MLCI_TRY(sink(chunk.data(), chunk.size()));
            return runtime_error("cannot read 'model.pkl'");
        };
        auto l = write_layer_stream(f.store, produce, 0, {c, 0, 2, 0, "test"}, {});
        REQUIRE_FALSE(l);
        CHECK(l.error().message == "cannot read 'model.pkl'");
    }
    auto after = std::distance(std::filesystem::directory_iterator(f.store.root() / "blobs/sha256"),
                               std::filesystem::directory_iterator());
    CHECK(before == after);
    CHECK(std::filesystem::is_empty(f.store.temp_dir()));
}

TEST_CASE("oci layer: progress reports the tar bytes written", "[oci]") {
    LayerFixture f;
    uint64_t last = 0;
    Reporter r;
    r.progress = [&](const Progress& p) { last = p.bytes; };
    auto l = write_layer(f.store, f.entries, {Compression::gzip, 0, 2, 0, "test"}, r);
    REQUIRE(l);
    CHECK(last == l->tar_size);
}

TEST_CASE("oci layer: gzip of float weights is smaller than they are, the same for any thread "
          "count",
          "[oci]") {
    LayerFixture f;
    // Float32 weights: next to no repeats, so blocks are coded as literals.
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    std::string weights((5 << 20) + 1000, '\0');
    for (size_t i = 0; i + 4 <= weights.size(); i += 4) {
        float x = normal(rng);
        std::memcpy(weights.data() + i, &x, 4);
    }
    auto p = f.dir / "floats.bin";
    std::ofstream(p, std::ios::binary) << weights;
    f.entries.push_back({"model/floats.bin", p, weights.size(), false, false});
    auto tar = f.tar();
    auto one = f.layer(Compression::gzip, 1);
    auto two = f.layer(Compression::gzip, 2);
    auto five = f.layer(Compression::gzip, 5);
    CHECK(one.blob.digest == two.blob.digest);
    CHECK(one.blob.digest == five.blob.digest);
    CHECK(f.plain(one, Compression::gzip) == tar);
    CHECK(one.diff_id == hash::sha256_of(tar));
    CHECK(one.blob.size < tar.size() * 95 / 100);
}
