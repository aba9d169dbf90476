#include "../temp_dir.hpp"
#include "chunked_fixture.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/repack.hpp>
#include <random>
#include <unistd.h>

using namespace mlci;
using namespace mlci::store;

namespace {

std::vector<hash::Digest> homes_of(const Store& s, const FileEntry& e) {
    std::vector<hash::Digest> out;
    for (auto& ref : e.chunk_lists) {
        auto list = parse_chunk_list(*s.read_blob(ref.digest), "l");
        REQUIRE(list);
        for (auto& p : list->packs)
            if (std::find(out.begin(), out.end(), p.digest) == out.end())
                out.push_back(p.digest);
    }
    return out;
}

} // namespace

TEST_CASE("plan_repack picks packs whose live chunks take less than half", "[store][repack]") {
    auto d = [](int i) { return hash::sha256_of(std::to_string(i)); };
    std::vector<PackUse> uses{{d(1), 1000, 499},  // mostly dead
                              {d(2), 1000, 500},  // half live: kept as it is
                              {d(3), 1000, 1000}, // all live
                              {d(4), 1000, 0},    // all dead: plain gc's
                              {d(5), 1000, 1}};
    REQUIRE(plan_repack(uses) == std::vector<hash::Digest>{d(1), d(5)});
    REQUIRE(plan_repack(uses, 0.9) == std::vector<hash::Digest>{d(1), d(2), d(5)});
    REQUIRE(plan_repack({}).empty());
}

TEST_CASE("repack moves a mostly dead pack's live chunks and every file reads back",
          "[store][repack]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto old_text = testing::random_bytes(4u << 20, 21);
    auto old_file = testing::store_chunked(*s, dir / "f", old_text);
    auto old_packs = homes_of(*s, old_file);
    REQUIRE(old_packs.size() == 1);
    // The kept file shares its first MiB with the old one, in the old pack.
    auto kept_text = old_text.substr(0, 1u << 20) + testing::random_bytes(2u << 20, 22);
    auto kept = testing::store_chunked(*s, dir / "f", kept_text);
    std::vector<hash::Digest> lists;
    lists.reserve(kept.chunk_lists.size());
    for (auto& l : kept.chunk_lists)
        lists.push_back(l.digest);

    auto dry = repack(*s, lists, /*dry_run=*/true);
    REQUIRE(dry);
    REQUIRE(dry->packs == old_packs);
    REQUIRE(s->has_blob(old_packs[0]));

    auto done = repack(*s, lists, false);
    REQUIRE(done);
    REQUIRE(done->packs == old_packs);
    CHECK(done->chunks_moved > 0);
    CHECK(done->new_bytes < done->old_bytes / 2);
    CHECK_FALSE(s->has_blob(old_packs[0]));
    // The chunk lists still name the old pack; the locator finds the moved chunks.
    auto homes = homes_of(*s, kept);
    CHECK(std::find(homes.begin(), homes.end(), old_packs[0]) != homes.end());
    CHECK(has_content(*s, kept));
    CHECK(testing::read_back(*s, kept, dir / "out") == kept_text);
    // The chunk index is a cache: lost, it is rebuilt from the packs' trailers.
    fs::remove_all(dir / ".mlci" / "mlci" / "chunks");
    CHECK(testing::read_back(*s, kept, dir / "out2") == kept_text);
    // The dropped file's other chunks are gone: it is no longer whole.
    CHECK_FALSE(has_content(*s, old_file));
    // Nothing left to do a second time.
    auto again = repack(*s, lists, false);
    REQUIRE(again);
    CHECK(again->packs.empty());
}
