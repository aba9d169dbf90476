#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>

using namespace mlci;

TEST_CASE("sha256 of known strings", "[hash]") {
    CHECK(hash::sha256_of("").str() ==
          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hash::sha256_of("abc").str() ==
          "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("streamed pieces hash like the whole", "[hash]") {
    std::string data(3 * hash::k_io_chunk + 17, 'x');
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i * 31 % 251);
    hash::Sha256 h;
    for (size_t at = 0; at < data.size(); at += 1000)
        h.update(std::string_view(data).substr(at, 1000));
    CHECK(h.finish() == hash::sha256_of(data));

    testing::TempDir dir;
    REQUIRE(write_file_atomic(dir / "f", data));
    auto fh = hash::sha256_file(dir / "f");
    REQUIRE(fh);
    CHECK(fh->digest == hash::sha256_of(data));
    CHECK(fh->size == data.size());
}

TEST_CASE("digests parse strictly", "[hash]") {
    CHECK(hash::Digest::parse("sha256:" + std::string(64, 'a')));
    CHECK_FALSE(hash::Digest::parse("sha256:" + std::string(63, 'a')));
    CHECK_FALSE(hash::Digest::parse("sha256:" + std::string(64, 'A')));
    CHECK_FALSE(hash::Digest::parse("md5:" + std::string(64, 'a')));
    auto bad = hash::Digest::parse("nope");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
}

TEST_CASE("a missing file is a runtime error naming it", "[hash]") {
    auto r = hash::sha256_file("/no/such/file");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK(r.error().message.find("/no/such/file") != std::string::npos);
}
