#include "../temp_dir.hpp"
#include "chunked_fixture.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/chunker.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/chunk_list.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/pack.hpp>
#include <random>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlci;
using namespace mlci::store;

namespace {

// Random bytes with a stretch of zeros (no cut there: maximum-size chunks).
std::string pipeline_input(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i)
        out[i] = i % 1'500'000 < 600'000 ? '\0' : static_cast<char>(rng());
    return out;
}

struct SerialChunk {
    size_t length;
    hash::RawDigest id;
};

// Cuts and hashes `data` in one piece, on one thread.
std::vector<SerialChunk> serial_chunks(const std::string& data) {
    std::vector<SerialChunk> out;
    auto bytes = reinterpret_cast<const uint8_t*>(data.data());
    for (size_t pos = 0; pos < data.size();) {
        size_t len = hash::next_chunk(std::span(bytes + pos, data.size() - pos), true);
        out.push_back({len, hash::RawDigest::of(bytes + pos, len)});
        pos += len;
    }
    return out;
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
    auto v1 = testing::random_bytes(6u << 20, 7);
    auto e1 = testing::store_chunked(*s, dir / "f", v1);
    CHECK(e1.size == v1.size());
    CHECK(testing::read_back(*s, e1, dir / "out1") == v1);

    auto v2 = v1;
    v2[3u << 20] ^= 1;
    auto e2 = testing::store_chunked(*s, dir / "f", v2);
    CHECK(e2.digest != e1.digest);
    CHECK(testing::read_back(*s, e2, dir / "out2") == v2);
    CHECK(testing::read_back(*s, e1, dir / "out1") == v1);
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

TEST_CASE("a chunked file larger than a read stretch reads back whole, from several packs",
          "[store][pack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    // 20 MiB: more stretches than read buffers, so the buffers are reused
    // while the hasher may still hold the other one.
    auto v1 = testing::random_bytes(20u << 20, 11);
    auto e1 = testing::store_chunked(*s, dir / "f", v1);
    auto v2 = testing::random_bytes(100, 12) + v1;
    v2[15u << 20] ^= 1;
    auto e2 = testing::store_chunked(*s, dir / "f", v2);
    CHECK(testing::read_back(*s, e2, dir / "out2") == v2);
    CHECK(testing::read_back(*s, e1, dir / "out1") == v1);

    // A sink that fails part-way stops the read with its error.
    size_t given = 0;
    auto failing = [&](const void*, size_t n) -> Status {
        given += n;
        if (given > (9u << 20))
            return runtime_error("disk full");
        return {};
    };
    auto streamed = stream_content(*s, e2, failing, "f.bin");
    REQUIRE_FALSE(streamed);
    CHECK(streamed.error().message == "disk full");
    CHECK(given < v2.size());
}

TEST_CASE("a corrupt pack fails the read instead of giving wrong bytes", "[store][pack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto e = testing::store_chunked(*s, dir / "f", testing::random_bytes(2u << 20, 9));
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
    auto content = testing::random_bytes(3u << 20, 11);
    testing::store_chunked(*s, dir / "f", content);
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

TEST_CASE("the chunking pipeline cuts and hashes as the serial definition does",
          "[store][pack][pipeline]") {
    const size_t read = 300u << 10; // a stretch just over the largest chunk
    const size_t max = hash::ChunkSizes{}.max;
    auto [size, read_size] = GENERATE_COPY(table<size_t, size_t>({
        {0, read},
        {1, read},
        {read - 1, read},
        {read, read},
        {read + 1, read},
        {2 * read - 1, read},
        {2 * read, read},
        {3 * read + max, read},
        {7 * read + 12345, read},
        {k_chunk_read_size - 1, k_chunk_read_size},
        {k_chunk_read_size, k_chunk_read_size},
        {3 * k_chunk_read_size + 1, k_chunk_read_size},
    }));
    CAPTURE(size, read_size);
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto content = pipeline_input(size, size);
    REQUIRE(write_file_atomic(dir / "f", content));
    auto chunks = ChunkStore::open(*s);
    REQUIRE(chunks);
    UniqueFd fd(::open((dir / "f").c_str(), O_RDONLY | O_CLOEXEC));
    uint64_t reported = 0;
    auto got = chunk_file(
        **chunks, fd.get(), dir / "f", [&](uint64_t n) { reported += n; }, read_size);
    REQUIRE(got);
    REQUIRE((*chunks)->finish());

    CHECK(got->digest == hash::sha256_of(content));
    CHECK(got->size == size);
    CHECK(reported == size);
    auto serial = serial_chunks(content);
    REQUIRE(got->chunks.size() == serial.size());
    std::set<hash::RawDigest, decltype([](auto& a, auto& b) { return a.bytes < b.bytes; })> ids;
    uint64_t unique_bytes = 0;
    for (size_t i = 0; i < serial.size(); ++i) {
        CHECK(got->chunks[i].id == serial[i].id);
        CHECK(got->chunks[i].at.length == serial[i].length);
        if (ids.insert(serial[i].id).second)
            unique_bytes += serial[i].length;
    }
    CHECK(got->new_bytes == unique_bytes);
    // Each pack was hashed as it was written: its name is its content's digest.
    for (auto& c : got->chunks) {
        auto& pack = (*chunks)->pack(c.at.pack);
        auto rehashed = hash::sha256_file(s->blob_path(pack.digest));
        REQUIRE(rehashed);
        CHECK(rehashed->digest == pack.digest);
        CHECK(rehashed->size == pack.size);
    }
}
