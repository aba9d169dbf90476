#include <catch2/catch.hpp>
#include <map>
#include <mlci/train/sweep_plan.hpp>

using namespace mlci;
using namespace mlci::train;
using json = nlohmann::json;

namespace {

EnvLookup env_of(const std::map<std::string, std::string>& vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end())
            return it->second;
        return {};
    };
}

std::string describe_trial(const std::vector<Override>& trial) {
    std::string out;
    for (auto& o : trial)
        out += (out.empty() ? "" : " ") + o.key + "=" + o.value.dump();
    return out;
}

} // namespace

TEST_CASE("train: shards are parsed from I/N or GitLab's variables", "[train][sweep]") {
    auto none = env_of({});
    auto s = parse_shard("2/3", none);
    REQUIRE(s);
    CHECK(s->index == 2);
    CHECK(s->total == 3);
    auto a = parse_shard("auto", env_of({{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "5"}}));
    REQUIRE(a);
    CHECK(a->index == 4);
    CHECK(a->total == 5);
    auto unset = parse_shard("auto", env_of({{"CI_NODE_TOTAL", "5"}}));
    REQUIRE_FALSE(unset);
    CHECK(unset.error().message.find("'CI_NODE_INDEX' is not set") != std::string::npos);
    CHECK_FALSE(parse_shard("auto", env_of({{"CI_NODE_INDEX", "6"}, {"CI_NODE_TOTAL", "5"}})));
    for (auto* bad : {"0/3", "4/3", "1/0", "3", "a/b", "1/3/4", "", "-1/3", "/3", "1/"}) {
        INFO(bad);
        auto r = parse_shard(bad, none);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("invalid --shard") != std::string::npos);
    }
}

TEST_CASE("train: shards split the trials, each trial to exactly one", "[train][sweep]") {
    for (size_t n = 1; n <= 5; ++n)
        for (size_t k = 0; k < 13; ++k) {
            size_t owners = 0;
            for (size_t i = 1; i <= n; ++i)
                owners += in_shard(k, Shard{i, n});
            CHECK(owners == 1);
            CHECK(in_shard(k, Shard{k % n + 1, n}));
        }
    // 6 trials over 3 shards: shard 1 gets trials 0 and 3.
    std::vector<size_t> first;
    for (size_t k = 0; k < 6; ++k)
        if (in_shard(k, Shard{1, 3}))
            first.push_back(k);
    CHECK(first == std::vector<size_t>{0, 3});
}

TEST_CASE("train: a sweep's trials are sampled points crossed with the grid", "[train][sweep]") {
    auto spec = parse_sweep({"a=1,2", "b=x,y"}, {"lr=uniform:0,1"}, 3, 5);
    REQUIRE(spec);
    CHECK(is_sweep(*spec));
    auto trials = sweep_trials(*spec);
    REQUIRE(trials.size() == 12);
    // Sample point k's trials are 4k .. 4k+3, with the grid's first axis slowest.
    for (size_t k = 0; k < 3; ++k)
        for (size_t g = 0; g < 4; ++g) {
            auto& t = trials[k * 4 + g];
            REQUIRE(t.size() == 3);
            CHECK(t[0].key == "lr");
            CHECK(t[0].value == trials[k * 4].front().value);
            CHECK(t[1].value == json(g < 2 ? 1 : 2));
            CHECK(t[2].value == json(g % 2 ? "y" : "x"));
        }
    CHECK(trials[0][0].value != trials[4][0].value);

    auto grid = parse_sweep({"a=1,2,3"}, {}, 0, {});
    REQUIRE(grid);
    auto g = sweep_trials(*grid);
    REQUIRE(g.size() == 3);
    CHECK(describe_trial(g[2]) == "a=3");
    auto one = parse_sweep({}, {}, 0, {});
    REQUIRE(one);
    CHECK_FALSE(is_sweep(*one));
    CHECK(sweep_trials(*one).size() == 1);
    // The default seed is the documented constant.
    auto sampled = parse_sweep({}, {"lr=uniform:0,1"}, 2, {});
    REQUIRE(sampled);
    CHECK(sampled->seed == k_default_sample_seed);
}

TEST_CASE("train: sweep flags that do not fit together are refused", "[train][sweep]") {
    CHECK_FALSE(parse_sweep({}, {"lr=uniform:0,1"}, 0, {}));
    CHECK_FALSE(parse_sweep({}, {}, 3, {}));
    CHECK_FALSE(parse_sweep({"a=1,2"}, {}, 0, 7));
    auto twice = parse_sweep({"lr=0.1,0.2"}, {"lr=uniform:0,1"}, 2, {});
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message.find("'lr' is swept twice") != std::string::npos);
    CHECK_FALSE(parse_sweep({"a=1,2", "a=3"}, {}, 0, {}));
    CHECK_FALSE(parse_sweep({}, {"a=int:1,2", "a=int:3,4"}, 2, {}));
}

TEST_CASE("train: the sweep id depends on what defines the trials only", "[train][sweep]") {
    json base = {{"name", "train"}, {"params", {{"n", 1}}}, {"code", "abc"}};
    auto id = [&](const std::vector<std::string>& grid, const std::vector<std::string>& ranges,
                  size_t n, std::optional<uint64_t> seed, const json& b) {
        auto spec = parse_sweep(grid, ranges, n, seed);
        REQUIRE(spec);
        return sweep_id(*spec, b);
    };
    auto first = id({"a=1,2"}, {}, 0, {}, base);
    CHECK(first.size() == 20);
    CHECK(first == id({"a=1,2"}, {}, 0, {}, base)); // every shard computes the same
    CHECK(first != id({"a=1,3"}, {}, 0, {}, base));
    CHECK(first != id({"b=1,2"}, {}, 0, {}, base));
    json other = base;
    other["code"] = "def";
    CHECK(first != id({"a=1,2"}, {}, 0, {}, other));
    auto sampled = id({"a=1,2"}, {"lr=uniform:0,1"}, 4, {}, base);
    CHECK(sampled != first);
    CHECK(sampled == id({"a=1,2"}, {"lr=uniform:0,1"}, 4, k_default_sample_seed, base));
    CHECK(sampled != id({"a=1,2"}, {"lr=uniform:0,1"}, 4, 1, base));
    CHECK(sampled != id({"a=1,2"}, {"lr=uniform:0,1"}, 5, {}, base));
    CHECK(sampled != id({"a=1,2"}, {"lr=uniform:0,2"}, 4, {}, base));
}
