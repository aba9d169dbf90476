#include "../temp_dir.hpp"
#include "chunked_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/pack_writer.hpp>
#include <sys/stat.h>
#include <vector>

using namespace mlci;
using namespace mlci::store;

namespace {

// Appends `content` to a new pack at `path` in pieces of `piece` bytes
// (handing them to the hasher after each when `hand`) and closes it; its
// digest goes to `digest`.
void write_pack(PackWriter& writer, const fs::path& path, const std::string& content, size_t piece,
                bool hand, std::optional<hash::Digest>& digest) {
    REQUIRE(writer.open(path));
    for (size_t at = 0; at < content.size(); at += piece) {
        auto n = std::min(piece, content.size() - at);
        REQUIRE(writer.append(std::span(reinterpret_cast<const uint8_t*>(content.data()) + at, n)));
        if (hand)
            writer.hash_appended();
    }
    REQUIRE(writer.close([&digest](const hash::Digest& d) -> Status {
        digest = d;
        return {};
    }));
}

} // namespace

TEST_CASE("a pack writer writes and hashes the bytes appended, whatever their sizes",
          "[store][pack]") {
    testing::TempDir dir;
    const size_t mib = 1u << 20;
    // Sizes around the 4 KiB blocks of direct writes and the 4 MiB buffers.
    std::vector<size_t> sizes = {
        1, 4095, 4096, 4097, mib * 4 - 1, mib * 4, mib * 4 + 1, 8 * mib, 21 * mib + 12345};
    // The bytes go to the hasher as buffers fill, or after each piece.
    const bool hand = GENERATE(false, true);
    CAPTURE(hand);
    hash::StreamHasher hasher;
    PackWriter writer(hasher);
    std::vector<std::optional<hash::Digest>> digests(sizes.size());
    std::vector<std::string> contents;
    // Packs closed one after another and finished together, as a large add
    // closes them; pieces of an odd size cross the buffers' edges.
    for (size_t i = 0; i < sizes.size(); ++i) {
        CAPTURE(sizes[i]);
        contents.push_back(testing::random_bytes(sizes[i], i));
        write_pack(writer, dir / std::to_string(i), contents[i], i % 2 ? 65537 : 3 * mib + 1, hand,
                   digests[i]);
    }
    REQUIRE(writer.wait());
    for (size_t i = 0; i < sizes.size(); ++i) {
        CAPTURE(sizes[i]);
        REQUIRE(digests[i]);
        CHECK(*digests[i] == hash::sha256_of(contents[i]));
        auto back = read_file(dir / std::to_string(i));
        REQUIRE(back);
        CHECK(*back == contents[i]);
        struct stat st {};
        REQUIRE(::stat((dir / std::to_string(i)).c_str(), &st) == 0);
        CHECK((st.st_mode & 0222) == 0); // read-only: the store never changes a blob
    }
}

TEST_CASE("a pack writer reports what failed when a pack was finished", "[store][pack]") {
    testing::TempDir dir;
    hash::StreamHasher hasher;
    PackWriter writer(hasher);
    REQUIRE(writer.open(dir / "p"));
    const std::string bytes = "chunk bytes";
    REQUIRE(writer.append(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    REQUIRE(writer.close([](const hash::Digest&) -> Status {
        return runtime_error("cannot move the pack into the store");
    }));
    auto waited = writer.wait();
    REQUIRE_FALSE(waited);
    CHECK_THAT(waited.error().message, Catch::Contains("cannot move the pack"));
    CHECK_FALSE(writer.open(dir / "p")); // it exists: a pack file is never overwritten
}
