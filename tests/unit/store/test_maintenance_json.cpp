#include "../temp_dir.hpp"
#include "test_artifact.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/retention.hpp>

using namespace mlci;
using namespace mlci::store;

namespace {

hash::Digest maintenance_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

} // namespace

TEST_CASE("verify json: a sound store and one with problems", "[store][maintenance_json]") {
    VerifyReport sound;
    sound.blobs = 12;
    sound.bytes = 4096;
    auto j = to_json(sound, "/p/.mlci");
    CHECK(j.size() == 5);
    CHECK(j["store"] == "/p/.mlci");
    CHECK(j["blobs"] == 12);
    CHECK(j["bytes"] == 4096);
    CHECK(j["ok"] == true);
    CHECK(j["problems"] == nlohmann::json::array());

    VerifyReport bad = sound;
    bad.problems = {"corrupt blob sha256:ab", "missing blob sha256:cd (layer of a:v1)"};
    j = to_json(bad, "/p/.mlci");
    CHECK(j["ok"] == false);
    CHECK(j["problems"] ==
          nlohmann::json{"corrupt blob sha256:ab", "missing blob sha256:cd (layer of a:v1)"});
}

TEST_CASE("gc json: removed blobs, retention and repack", "[store][maintenance_json]") {
    GcReport empty;
    auto j = to_json(empty, false);
    CHECK(j.size() == 11);
    CHECK(j["dry_run"] == false);
    CHECK(j["untagged"] == nlohmann::json::array());
    CHECK(j["spared"] == nlohmann::json::array());
    CHECK(j["kept"] == 0);
    CHECK(j["removed"] == nlohmann::json::array());
    CHECK(j["removed_bytes"] == 0);
    CHECK(j["temp_files_removed"] == 0);
    CHECK(j["packs_repacked"] == 0);
    CHECK(j["repacked_bytes"] == 0);
    CHECK(j["repacked_into_bytes"] == 0);
    CHECK(j["chunks_moved"] == 0);

    GcReport r;
    r.kept = 40;
    r.removed = {{maintenance_json_digest('a'), 100}, {maintenance_json_digest('b'), 23}};
    r.removed_bytes = 123;
    r.temp_files_removed = 2;
    r.retention.untag = {"m:v1"};
    r.retention.spared = {"m:v2"};
    r.repack.packs = {maintenance_json_digest('c'), maintenance_json_digest('d')};
    r.repack.old_bytes = 1000;
    r.repack.new_bytes = 300;
    r.repack.chunks_moved = 7;
    j = to_json(r, true);
    CHECK(j["dry_run"] == true);
    CHECK(j["untagged"] == nlohmann::json{"m:v1"});
    CHECK(j["spared"] == nlohmann::json{"m:v2"});
    CHECK(j["kept"] == 40);
    REQUIRE(j["removed"].size() == 2);
    CHECK(j["removed"][0] ==
          nlohmann::json{{"digest", maintenance_json_digest('a').str()}, {"size", 100}});
    CHECK(j["removed"][1]["size"] == 23);
    CHECK(j["removed_bytes"] == 123);
    CHECK(j["temp_files_removed"] == 2);
    CHECK(j["packs_repacked"] == 2);
    CHECK(j["repacked_bytes"] == 1000);
    CHECK(j["repacked_into_bytes"] == 300);
    CHECK(j["chunks_moved"] == 7);
}

TEST_CASE("untag and rm json", "[store][maintenance_json]") {
    CHECK(untag_json({"a:v1", "a:prod"}) ==
          nlohmann::json{{"removed", nlohmann::json{"a:v1", "a:prod"}}});
    CHECK(untag_json({}) == nlohmann::json{{"removed", nlohmann::json::array()}});

    // remove_name records what was asked for; latest is null unless it moved.
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    for (auto c : {"1", "2", "3"})
        REQUIRE(s->tag_next_version(testing::put_test_artifact(*s, c), "m"));
    auto moved = remove_name(*s, "m:v3");
    REQUIRE(moved);
    auto unmoved = remove_name(*s, "m:v1");
    REQUIRE(unmoved);
    auto j = to_json(*moved);
    CHECK(j.size() == 3);
    CHECK(j["reference"] == "m:v3");
    CHECK(j["removed"] == nlohmann::json{"m:v3", "m:latest"});
    CHECK(j["latest"] == "m:v2");
    j = to_json(*unmoved);
    CHECK(j["reference"] == "m:v1");
    CHECK(j["removed"] == nlohmann::json{"m:v1"});
    CHECK(j["latest"].is_null());

    auto all = to_json(std::vector<Removal>{*moved, *unmoved});
    REQUIRE(all.is_array());
    REQUIRE(all.size() == 2);
    CHECK(all[0] == to_json(*moved));
    CHECK(all[1] == to_json(*unmoved));
    CHECK(to_json(std::vector<Removal>{}) == nlohmann::json::array());
}
