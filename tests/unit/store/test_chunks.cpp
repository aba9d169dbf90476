#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/store/chunk_list.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/pack.hpp>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlci;
using namespace mlci::store;

namespace {

std::string random_text(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(rng());
    return out;
}

// Stores `content` as a chunked file and returns its entry.
FileEntry store_chunked(Store& s, const fs::path& file, const std::string& content) {
    REQUIRE(write_file_atomic(file, content));
    auto chunks = ChunkStore::open(s);
    REQUIRE(chunks);
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    auto chunked = chunk_file(**chunks, fd.get(), file);
    REQUIRE(chunked);
    REQUIRE((*chunks)->finish());
    auto lists = put_chunk_lists(s, **chunks, *chunked);
    REQUIRE(lists);
    FileEntry e{"f.bin", chunked->size, 0644, chunked->digest, *lists};
    return e;
}

std::string read_back(const Store& s, const FileEntry& e, const fs::path& out_path) {
    UniqueFd out(::open(out_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    auto written = write_content(s, e, out.get(), out_path);
    REQUIRE(written);
    auto text = read_file(out_path);
    REQUIRE(text);
    return *text;
}

} // namespace

TEST_CASE("a pack index round-trips and rejects chunks outside the data", "[store][pack]") {
    std::vector<PackEntry> entries{{hash::RawDigest::of("a", 1), 0, 10},
                                   {hash::RawDigest::of("b", 1), 10, 5}};
    auto tail = serialize_pack_index(entries);
    auto parsed = parse_pack_index(tail, 15 + tail.size(), "p");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 2);
    CHECK((*parsed)[1].id == entries[1].id);
    CHECK((*parsed)[1].offset == 10);
    CHECK((*parsed)[1].length == 5);
    // The pack is shorter than its chunks say.
    CHECK_FALSE(parse_pack_index(tail, 12 + tail.size(), "p"));
    // Overlapping chunks.
    entries[1].offset = 5;
    CHECK_FALSE(parse_pack_index(serialize_pack_index(entries), 15 + tail.size(), "p"));
    // Not a pack.
    CHECK_FALSE(parse_pack_index(std::string(16, 'x'), 100, "p"));
    CHECK_FALSE(pack_index_size("short", 100, "p"));
}

TEST_CASE("a chunk list round-trips and checks its chunks against its packs", "[store][pack]") {
    ChunkList list;
    list.packs.push_back({hash::Digest::from_bytes(hash::RawDigest::of("p", 1).bytes.data()), 100});
    list.chunks.push_back({hash::RawDigest::of("c", 1), 0, 40, 60});
    auto parsed = parse_chunk_list(serialize_chunk_list(list), "l");
    REQUIRE(parsed);
    CHECK(parsed->packs == list.packs);
    REQUIRE(parsed->chunks.size() == 1);
    CHECK(parsed->chunks[0].id == list.chunks[0].id);
    CHECK(parsed->chunks[0].offset == 40);
    list.chunks[0].length = 61; // past the end of the pack
    CHECK_FALSE(parse_chunk_list(serialize_chunk_list(list), "l"));
    CHECK_FALSE(parse_chunk_list(R"({"packs":[],"chunks":[[0,0,1,"00"]]})", "l"));
    CHECK_FALSE(parse_chunk_list(R"({"packs":[],"chunks":[[0,0]]})", "l"));
}

TEST_CASE("a chunked file reads back byte-identical and shares unchanged chunks", "[store][pack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto v1 = random_text(6u << 20, 7);
    auto e1 = store_chunked(*s, dir / "f", v1);
    CHECK(e1.size == v1.size());
    CHECK(read_back(*s, e1, dir / "out1") == v1);

    auto v2 = v1;
    v2[3u << 20] ^= 1;
    auto e2 = store_chunked(*s, dir / "f", v2);
    CHECK(e2.digest != e1.digest);
    CHECK(read_back(*s, e2, dir / "out2") == v2);
    CHECK(read_back(*s, e1, dir / "out1") == v1);
    // The second version's new pack holds one chunk, not the file.
    auto new_lists = 0;
    for (auto& l : e2.chunk_lists)
        new_lists +=
            std::find(e1.chunk_lists.begin(), e1.chunk_lists.end(), l) == e1.chunk_lists.end();
    CHECK(new_lists <= 2);
    uint64_t packs_size = 0;
    for (auto& e : fs::directory_iterator(dir / ".mlci" / "mlci" / "chunks"))
        if (e.is_regular_file())
            packs_size += fs::file_size(
                s->blob_path(*hash::Digest::parse("sha256:" + e.path().filename().string())));
    CHECK(packs_size < v1.size() + (1u << 20));

    CHECK(has_content(*s, e2));
    CHECK(has_content(*s, e2.digest));
}

TEST_CASE("a corrupt pack fails the read instead of giving wrong bytes", "[store][pack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto e = store_chunked(*s, dir / "f", random_text(2u << 20, 9));
    auto list = parse_chunk_list(*s->read_blob(e.chunk_lists[0].digest), "l");
    REQUIRE(list);
    auto pack = s->blob_path(list->packs[0].digest);
    ::chmod(pack.c_str(), 0644);
    UniqueFd fd(::open(pack.c_str(), O_WRONLY | O_CLOEXEC));
    REQUIRE(::pwrite(fd.get(), "X", 1, 1000) == 1);
    UniqueFd out(::open((dir / "out").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    auto written = write_content(*s, e, out.get(), "f.bin");
    REQUIRE_FALSE(written);
    CHECK(written.error().message.find("corrupt") != std::string::npos);
}

TEST_CASE("the chunk index is rebuilt from the packs alone", "[store][pack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto content = random_text(3u << 20, 11);
    store_chunked(*s, dir / "f", content);
    fs::remove_all(dir / ".mlci" / "mlci" / "chunks");
    auto rebuilt = rebuild_chunk_index(*s);
    REQUIRE(rebuilt);
    CHECK(*rebuilt == 1);
    // Opening a store whose index is gone rebuilds it; with the index back,
    // storing the same content adds nothing.
    fs::remove_all(dir / ".mlci" / "mlci" / "chunks");
    auto chunks = ChunkStore::open(*s);
    REQUIRE(chunks);
    REQUIRE(write_file_atomic(dir / "f", content));
    UniqueFd fd(::open((dir / "f").c_str(), O_RDONLY | O_CLOEXEC));
    auto again = chunk_file(**chunks, fd.get(), dir / "f");
    REQUIRE(again);
    CHECK(again->new_bytes == 0);
}
