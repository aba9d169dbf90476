#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/outputs.hpp>
#include <mlci/train/record.hpp>
#include <sys/stat.h>

using namespace mlci;
using namespace mlci::train;

namespace {

// A run manifest as train writes it, as far as the cache looks.
store::Descriptor put_run(store::Store& s, const std::string& status, const hash::Digest& key,
                          const std::string& created) {
    auto config =
        s.put_blob("{\"kind\":\"run\",\"status\":\"" + status + "\"}", k_media_run_config);
    REQUIRE(config);
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *config;
    m.annotations = {
        {k_ann_status, status}, {k_ann_cache_key, key.str()}, {store::k_ann_created, created}};
    auto d = s.put_manifest(m);
    REQUIRE(d);
    return *d;
}

uint64_t inode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_ino;
}

} // namespace

TEST_CASE("train: cache keys are canonical", "[train][cache]") {
    auto a = cache_key({{"command", {"python", "t.py"}}, {"params", {{"a", 1}, {"b", 2}}}});
    auto b = cache_key({{"params", {{"b", 2}, {"a", 1}}}, {"command", {"python", "t.py"}}});
    auto c = cache_key({{"params", {{"b", 2}, {"a", 1.5}}}, {"command", {"python", "t.py"}}});
    CHECK(a == b);
    CHECK(a != c);
}

TEST_CASE("train: the run cache finds succeeded tagged runs and rebuilds itself",
          "[train][cache]") {
    testing::TempDir dir;
    auto s = store::Store::init(dir / ".mlci");
    REQUIRE(s);
    RunCache cache(*s);
    auto key = cache_key({{"k", 1}});
    auto other = cache_key({{"k", 2}});

    auto none = cache.lookup(key);
    REQUIRE(none);
    CHECK_FALSE(*none);

    auto failed = put_run(*s, "failed", other, "2026-01-01T00:00:00Z");
    REQUIRE(s->tag_next_version(failed, "r"));
    REQUIRE(cache.remember(other, failed.digest));
    CHECK_FALSE(*cache.lookup(other)); // a failed run is never reused

    auto ok = put_run(*s, "succeeded", key, "2026-01-01T00:00:01Z");
    REQUIRE(s->tag_next_version(ok, "r"));
    REQUIRE(cache.remember(key, ok.digest));
    auto hit = cache.lookup(key);
    REQUIRE(hit);
    REQUIRE(*hit);
    CHECK((*hit)->descriptor.digest == ok.digest);
    CHECK((*hit)->tag == "r:v2");

    // The map is only a shortcut: without it, the runs rebuild it.
    fs::remove_all(s->cache_dir() / "runs-v1");
    hit = cache.lookup(key);
    REQUIRE(hit);
    REQUIRE(*hit);
    CHECK((*hit)->descriptor.digest == ok.digest);
    CHECK(fs::exists(s->cache_dir() / "runs-v1" / std::string(key.hex())));

    // An entry naming a run that left the index is a miss.
    REQUIRE(s->remove_from_index(ok.digest));
    CHECK_FALSE(*cache.lookup(key));
}

TEST_CASE("train: outputs are stored and restored byte for byte", "[train][outputs]") {
    testing::TempDir dir;
    auto s = store::Store::init(dir / ".mlci");
    REQUIRE(s);
    auto ws = dir / "ws";
    fs::create_directories(ws / "models/sub");
    REQUIRE(write_file_atomic(ws / "model.pkl", std::string(300000, 'm')));
    REQUIRE(write_file_atomic(ws / "models/a.bin", "aaa"));
    REQUIRE(write_file_atomic(ws / "models/sub/b.bin", "bbb", true, 0755));

    auto stat_cache = data::StatCache::load(*s, ws);
    auto got = collect_outputs(*s, ws, {"model.pkl", "models", "absent.txt"}, 2, &stat_cache);
    REQUIRE(got);
    CHECK(got->missing == std::vector<std::string>{"absent.txt"});
    REQUIRE(got->files.size() == 3);
    CHECK(got->files[0].path == "model.pkl");
    CHECK(got->files[1].path == "models/a.bin");
    CHECK(got->files[2].path == "models/sub/b.bin");
    CHECK(got->files[2].mode == 0755);
    for (auto& f : got->files)
        CHECK(s->has_blob(f.digest));

    // Delete one, change one, keep one.
    auto kept_inode = inode_of(ws / "models/a.bin");
    fs::remove(ws / "model.pkl");
    REQUIRE(write_file_atomic(ws / "models/sub/b.bin", "changed!", true, 0644));
    auto restored = restore_outputs(*s, ws, got->files, stat_cache, 2);
    REQUIRE(restored);
    CHECK(restored->files == 3);
    CHECK(restored->restored == 2);
    CHECK(read_file(ws / "model.pkl").value() == std::string(300000, 'm'));
    CHECK(read_file(ws / "models/sub/b.bin").value() == "bbb");
    CHECK((fs::status(ws / "models/sub/b.bin").permissions() & fs::perms::owner_exec) !=
          fs::perms::none);
    CHECK(inode_of(ws / "models/a.bin") == kept_inode);

    // A blob gone from the store is an error that names it.
    fs::remove(ws / "model.pkl");
    fs::permissions(s->blob_path(got->files[0].digest), fs::perms::owner_write,
                    fs::perm_options::add);
    fs::remove(s->blob_path(got->files[0].digest));
    auto gone = restore_outputs(*s, ws, got->files, stat_cache, 1);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().message.find("model.pkl") != std::string::npos);
}
