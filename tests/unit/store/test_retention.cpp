#include "../temp_dir.hpp"
#include "test_artifact.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/retention.hpp>
#include <mlci/store/store.hpp>

using namespace mlci;
using namespace mlci::store;

namespace {

std::vector<std::string> tags_of(const Store& s) {
    auto entries = s.entries();
    REQUIRE(entries);
    std::vector<std::string> out;
    for (auto& e : *entries)
        out.push_back(e.tag);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("untag removes tags at once, or none when one is missing", "[store][retention]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto a = testing::put_test_artifact(*s, "a");
    REQUIRE(s->add_to_index(a, {"a:v1", "a:latest", "a:prod"}));

    auto missing = untag(*s, {"a:prod", "a:nope"});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::usage);
    CHECK(missing.error().message.find("a:nope") != std::string::npos);
    CHECK(tags_of(*s) == std::vector<std::string>{"a:latest", "a:prod", "a:v1"});

    auto bare = untag(*s, {"a"});
    REQUIRE_FALSE(bare);
    CHECK(bare.error().message.find("mlci rm a") != std::string::npos);

    REQUIRE(untag(*s, {"a:prod"}));
    CHECK(tags_of(*s) == std::vector<std::string>{"a:latest", "a:v1"});
    CHECK(s->has_blob(a.digest)); // the artifact stays until gc
}

TEST_CASE("rm removes a name, or one version and moves latest", "[store][retention]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    for (auto c : {"1", "2", "3"})
        REQUIRE(s->tag_next_version(testing::put_test_artifact(*s, c), "m"));
    REQUIRE(s->tag_next_version(testing::put_test_artifact(*s, "other"), "mm"));

    auto one = remove_name(*s, "m:v3");
    REQUIRE(one);
    CHECK(one->removed == std::vector<std::string>{"m:v3", "m:latest"});
    CHECK(one->latest == "m:v2");
    CHECK(tags_of(*s) ==
          std::vector<std::string>{"m:latest", "m:v1", "m:v2", "mm:latest", "mm:v1"});
    auto entries = s->entries();
    REQUIRE(entries);
    hash::Digest latest, v2;
    for (auto& e : *entries) {
        if (e.tag == "m:latest")
            latest = e.descriptor.digest;
        if (e.tag == "m:v2")
            v2 = e.descriptor.digest;
    }
    CHECK(latest == v2);

    auto older = remove_name(*s, "m:v1"); // latest does not move
    REQUIRE(older);
    CHECK(older->latest.empty());

    auto all = remove_name(*s, "m");
    REQUIRE(all);
    CHECK(all->removed.size() == 2);
    CHECK(tags_of(*s) == std::vector<std::string>{"mm:latest", "mm:v1"}); // "mm" is another name

    auto gone = remove_name(*s, "m");
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == Exit::usage);
    REQUIRE_FALSE(remove_name(*s, "mm:v9"));

    // A removed version number is never given to other content.
    auto next = s->tag_next_version(testing::put_test_artifact(*s, "4"), "m");
    REQUIRE(next);
    CHECK(*next == "m:v4");
    REQUIRE(untag(*s, {"mm:v1"}));
    auto mm = s->tag_next_version(testing::put_test_artifact(*s, "other2"), "mm");
    REQUIRE(mm);
    CHECK(*mm == "mm:v2");
}

TEST_CASE("retention keeps the newest versions and what is in use", "[store][retention]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    std::vector<Descriptor> m;
    for (auto c : {"1", "2", "3", "4", "5"}) {
        m.push_back(testing::put_test_artifact(*s, c));
        REQUIRE(s->tag_next_version(m.back(), "m"));
    }
    REQUIRE(s->add_to_index(m[0], {"production"})); // v1 is in use by another tag
    auto d = testing::put_test_artifact(*s, "deployment");
    REQUIRE(s->tag_next_version(d, "deploy-prod"));
    REQUIRE(s->tag_next_version(testing::put_test_artifact(*s, "deployment2"), "deploy-prod"));

    RetentionOptions o;
    o.keep_last = 2;
    o.protect = {m[1].digest}; // v2: an environment runs it
    o.exempt = [&](const IndexEntry& e) { return e.tag.starts_with("deploy-"); };
    auto entries = s->entries();
    REQUIRE(entries);
    auto plan = plan_retention(*entries, o);
    CHECK(plan.untag == std::vector<std::string>{"m:v3"});
    std::sort(plan.spared.begin(), plan.spared.end());
    CHECK(plan.spared == std::vector<std::string>{"m:v1", "m:v2"});

    // gc applies it, and collects what only the removed tag reached.
    GcOptions g;
    g.grace = std::chrono::seconds(0);
    g.retention = o;
    auto dry = gc(*s, {true, std::chrono::seconds(0), o});
    REQUIRE(dry);
    CHECK(dry->retention.untag == plan.untag);
    CHECK(tags_of(*s).size() == 10); // a dry run untags nothing
    auto report = gc(*s, g);
    REQUIRE(report);
    CHECK(report->retention.untag == std::vector<std::string>{"m:v3"});
    CHECK_FALSE(s->has_blob(m[2].digest));
    CHECK(s->has_blob(m[0].digest));
    CHECK(s->has_blob(m[1].digest));
    auto tags = tags_of(*s);
    CHECK(std::find(tags.begin(), tags.end(), "m:v3") == tags.end());
    CHECK(std::find(tags.begin(), tags.end(), "deploy-prod:v1") != tags.end());
}
