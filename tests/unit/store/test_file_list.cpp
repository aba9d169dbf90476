#include <catch2/catch.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/file_list.hpp>

using namespace mlci;
using namespace mlci::store;

TEST_CASE("file lists round-trip sorted, with awkward names", "[store]") {
    std::vector<FileEntry> files{
        {"b/\"quoted\"\tname\n.csv", 3, 0644, hash::sha256_of("x")},
        {"a/ünïcode.txt", 5, 0755, hash::sha256_of("y")},
    };
    auto text = serialize_file_list(files);
    CHECK(files[0].path == "a/ünïcode.txt"); // sorted in place
    auto back = parse_file_list(text, "test");
    REQUIRE(back);
    REQUIRE(back->size() == 2);
    CHECK((*back)[1].path == "b/\"quoted\"\tname\n.csv");
    CHECK((*back)[0].mode == 0755);
    CHECK((*back)[1].digest == hash::sha256_of("x"));
    CHECK(serialize_file_list(*back) == text); // deterministic
}

TEST_CASE("file lists refuse unsafe paths and bad digests", "[store]") {
    auto d = hash::sha256_of("x").str();
    for (auto path : {"../etc/passwd", "/abs", "a//b", "a/./b", ""}) {
        auto text = fmt::format(
            R"({{"files":[{{"path":"{}","size":1,"mode":420,"digest":"{}"}}]}})", path, d);
        CHECK_FALSE(parse_file_list(text, "t"));
    }
    CHECK_FALSE(parse_file_list(R"({"files":[{"path":"a","size":1,"digest":"sha256:zz"}]})", "t"));
    CHECK_FALSE(parse_file_list("not json", "t"));
    CHECK(is_safe_relative_path("a/b/c.csv"));
    CHECK_FALSE(is_safe_relative_path("a/../b"));
}

TEST_CASE("pull --path and checkout PATH select files by glob, path or folder", "[store]") {
    using store::path_selected;
    CHECK(path_selected("data/val/a.txt", {}));
    CHECK(path_selected("data/val/a.txt", {"data/val/a.txt"}));
    CHECK(path_selected("data/val/a.txt", {"data/val"}));
    CHECK(path_selected("data/val/a.txt", {"data/val/"}));
    CHECK(path_selected("data/val/a.txt", {"data"}));
    CHECK(path_selected("data/val/a.txt", {"data/*.txt"})); // '*' crosses '/'
    CHECK(path_selected("data/big.bin", {"nothing", "data/*.bin"}));
    CHECK_FALSE(path_selected("data/val/a.txt", {"data/va"})); // a folder, not a prefix
    CHECK_FALSE(path_selected("data/valid/a.txt", {"data/val"}));
    CHECK_FALSE(path_selected("data/big.bin", {"data/*.txt"}));
    CHECK_FALSE(path_selected("data/big.bin", {"big.bin"}));
}
