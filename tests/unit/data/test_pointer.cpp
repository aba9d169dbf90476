#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/hash/sha256.hpp>

using namespace mlci;
using namespace mlci::data;

TEST_CASE("pointer files round-trip and are deterministic", "[data]") {
    Pointer p{"iris.csv", hash::sha256_of("tree"), 1, 4551, "iris"};
    auto text = serialize_pointer(p);
    auto back = parse_pointer(text, "iris.csv.mlci");
    REQUIRE(back);
    CHECK(back->path == "iris.csv");
    CHECK(back->tree == p.tree);
    CHECK(back->size == 4551);
    CHECK(serialize_pointer(*back) == text);
}

TEST_CASE("malformed pointer files name the line", "[data]") {
    auto tree = hash::sha256_of("t").str();
    auto r = parse_pointer("path: a\ntree: " + tree + "\nfiles: many\n", "x.mlci");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK(r.error().message.find("x.mlci:3") != std::string::npos);
    CHECK_FALSE(parse_pointer("path: ../escape\ntree: " + tree + "\n", "x.mlci"));
    CHECK_FALSE(parse_pointer("path: a\n", "x.mlci")); // no tree
    CHECK_FALSE(parse_pointer("garbage\n", "x.mlci"));
    CHECK_FALSE(parse_pointer("path: a\ntree: " + tree + "\nsurprise: 1\n", "x.mlci"));
}

TEST_CASE("a name with a control character is refused, read or written", "[data]") {
    // Found by the pointer fuzz target: "path: age\r\r\n" read as "age\r",
    // which was written back as a line that reads as "age".
    auto tree = hash::sha256_of("t").str();
    auto r = parse_pointer("path: age\r\r\ntree: " + tree + "\n", "x.mlci");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("control character") != std::string::npos);
    CHECK_FALSE(parse_pointer("path: a\ntree: " + tree + "\ndataset: d\x01\n", "x.mlci"));
    testing::TempDir dir;
    auto written = write_pointer(dir / "x.mlci", Pointer{"a\rb", hash::sha256_of("t"), 1, 1, "a"});
    REQUIRE_FALSE(written);
    CHECK(written.error().code == Exit::usage);
    CHECK_FALSE(std::filesystem::exists(dir / "x.mlci"));
}

TEST_CASE("gitignore gains a line once", "[data]") {
    testing::TempDir dir;
    REQUIRE(write_file_atomic(dir / ".gitignore", "*.pyc"));
    REQUIRE(ignore_in_git(dir.path(), "iris.csv"));
    REQUIRE(ignore_in_git(dir.path(), "iris.csv"));
    CHECK(*read_file(dir / ".gitignore") == "*.pyc\n/iris.csv\n");
}
