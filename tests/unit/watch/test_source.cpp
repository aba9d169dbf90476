#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <mlci/watch/source.hpp>
#include <thread>

using namespace mlci;
using namespace mlci::watch;

namespace {

void write(const std::filesystem::path& p, const std::string& text, bool append = false) {
    std::ofstream out(p, append ? std::ios::app : std::ios::trunc);
    out << text;
}

// Reads from `s` until `want` bytes arrived or a few seconds passed.
std::string read_some(Source& s, size_t want) {
    std::string got;
    char buf[256];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
        auto r = s.read(buf, sizeof buf, 20);
        REQUIRE(r);
        if (r->state == Read::State::data)
            got.append(buf, r->bytes);
        if (r->state == Read::State::end)
            break;
    }
    return got;
}

} // namespace

TEST_CASE("watch: a file read once ends at its end", "[watch]") {
    testing::TempDir dir;
    write(dir / "e.jsonl", "a\nb\n");
    SourceOptions o;
    o.follow = false;
    auto s = open_source((dir / "e.jsonl").string(), o);
    REQUIRE(s);
    CHECK(read_some(**s, 100) == "a\nb\n");
    char buf[8];
    auto r = (*s)->read(buf, sizeof buf, 0);
    REQUIRE(r);
    CHECK(r->state == Read::State::end);
    auto missing = open_source((dir / "nope.jsonl").string(), o);
    REQUIRE(!missing);
    CHECK(missing.error().code == Exit::usage);
}

TEST_CASE("watch: a followed file survives rotation and truncation", "[watch]") {
    testing::TempDir dir;
    auto path = dir / "e.jsonl";
    write(path, "one\n");
    SourceOptions o;
    o.poll_ms = 10;
    auto s = open_file_source(path.string(), o);
    REQUIRE(s);
    CHECK(read_some(**s, 4) == "one\n");

    // Appended lines arrive.
    write(path, "two\n", true);
    CHECK(read_some(**s, 4) == "two\n");

    // Rotation: lines written to the old file before the move are still read,
    // then the new file from its start.
    write(path, "three\n", true);
    std::filesystem::rename(path, dir / "e.jsonl.1");
    write(path, "four\n");
    CHECK(read_some(**s, 11) == "three\nfour\n");

    // Truncation (copytruncate): the file is read again from its start.
    write(path, "5\n");
    CHECK(read_some(**s, 2) == "5\n");
    write(path, "6\n", true);
    CHECK(read_some(**s, 2) == "6\n");
}

TEST_CASE("watch: a followed file can start at its end", "[watch]") {
    testing::TempDir dir;
    auto path = dir / "e.jsonl";
    write(path, "old\n");
    SourceOptions o;
    o.poll_ms = 10;
    o.from_end = true;
    auto s = open_file_source(path.string(), o);
    REQUIRE(s);
    write(path, "new\n", true);
    CHECK(read_some(**s, 4) == "new\n");
}
