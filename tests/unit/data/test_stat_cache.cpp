#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/hash/sha256.hpp>

using namespace mlci;
using namespace mlci::data;

TEST_CASE("the stat cache answers only for unchanged stat facts", "[data]") {
    testing::TempDir dir;
    auto store = *store::Store::init(dir / ".mlci");
    FileStat old_file{10, 42, 1, 1'000'000'000, 1'000'000'000, 0644};
    auto d = hash::sha256_of("content");
    {
        auto cache = StatCache::load(store, dir.path());
        cache.record("a b/c.csv", old_file, d);
        FileStat fresh = old_file;
        fresh.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        cache.record("racy.csv", fresh, d);
        REQUIRE(cache.save());
    }
    auto cache = StatCache::load(store, dir.path());
    CHECK(cache.lookup("a b/c.csv", old_file) == d);
    auto touched = old_file;
    touched.mtime_ns += 1;
    CHECK_FALSE(cache.lookup("a b/c.csv", touched));
    auto grown = old_file;
    grown.size += 1;
    CHECK_FALSE(cache.lookup("a b/c.csv", grown));
    // Written in the racy window: not trusted, so it is re-hashed next time.
    CHECK_FALSE(cache.lookup("racy.csv", old_file));
    // Another folder has its own cache.
    CHECK_FALSE(StatCache::load(store, dir / "other").lookup("a b/c.csv", old_file));
}
