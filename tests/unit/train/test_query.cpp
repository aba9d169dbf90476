#include <catch2/catch.hpp>
#include <mlci/train/query.hpp>

using namespace mlci;
using namespace mlci::train;

namespace {

Run query_run(const std::string& tag, Metrics metrics, nlohmann::json params) {
    Run r;
    r.entry.tag = tag;
    r.record.name = "m";
    r.record.metrics = std::move(metrics);
    r.record.params = std::move(params);
    return r;
}

std::string query_refs(const std::vector<Run>& runs) {
    std::string out;
    for (auto& r : runs)
        out += (out.empty() ? "" : " ") + r.entry.tag;
    return out;
}

} // namespace

TEST_CASE("parse_sort_key and parse_run_filter", "[train][query]") {
    auto k = parse_sort_key("accuracy");
    REQUIRE(k);
    CHECK(k->metric == "accuracy");
    CHECK(k->descending);
    auto asc = parse_sort_key("loss:asc");
    REQUIRE(asc);
    CHECK_FALSE(asc->descending);
    CHECK(parse_sort_key("loss:desc")->descending);
    CHECK_FALSE(parse_sort_key("loss:up"));
    CHECK_FALSE(parse_sort_key(""));

    auto f = parse_run_filter("accuracy >= 0.9");
    REQUIRE(f);
    CHECK(f->name == "accuracy");
    CHECK(f->op == ">=");
    CHECK(f->value == 0.9);
    for (auto* op : {">", ">=", "<", "<=", "==", "!="}) {
        auto g = parse_run_filter(std::string("x") + op + "1");
        REQUIRE(g);
        CHECK(g->op == op);
    }
    for (auto* bad : {"accuracy", "accuracy>", ">1", "a=>1", "a>x", "a>inf", "a=1"}) {
        auto r = parse_run_filter(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
    }
}

TEST_CASE("filters and sorting read metrics, then numeric params", "[train][query]") {
    std::vector<Run> runs{query_run("m:v1", {{"acc", 0.9}}, {{"depth", 3}}),
                          query_run("m:v2", {{"acc", 0.95}}, {{"depth", 5}}),
                          query_run("m:v3", {}, {{"depth", 3}}),
                          query_run("m:v4", {{"acc", 0.8}}, {{"depth", "deep"}})};
    auto sorted = runs;
    sort_runs(sorted, {"acc", true});
    CHECK(query_refs(sorted) == "m:v2 m:v1 m:v4 m:v3"); // without the metric: last
    sort_runs(sorted, {"acc", false});
    CHECK(query_refs(sorted) == "m:v4 m:v1 m:v2 m:v3");

    auto keep = [&](const std::vector<std::string>& texts) {
        std::vector<RunFilter> fs;
        fs.reserve(texts.size());
        for (auto& t : texts)
            fs.push_back(*parse_run_filter(t));
        std::vector<Run> out;
        for (auto& r : runs)
            if (matches(r, fs))
                out.push_back(r);
        return query_refs(out);
    };
    CHECK(keep({"acc>0.85"}) == "m:v1 m:v2");
    CHECK(keep({"acc>0.85", "depth==3"}) == "m:v1");
    CHECK(keep({"depth!=3"}) == "m:v2"); // a string param is not a number: no match
    CHECK(keep({"acc==0.9000000000001"}) == "m:v1");
    CHECK(keep({}) == "m:v1 m:v2 m:v3 m:v4");
}

TEST_CASE("comparison of several runs: metrics by run, params that differ", "[train][query]") {
    std::vector<Run> runs{
        query_run("m:v1", {{"acc", 0.9}}, {{"depth", 3}, {"seed", 1}}),
        query_run("m:v2", {{"acc", 0.95}, {"f1", 0.5}}, {{"depth", 5}, {"seed", 1}}),
        query_run("m:v3", {{"acc", 0.85}}, {{"depth", 3}, {"seed", 1}})};
    auto t = comparison_table(runs, false);
    REQUIRE(t.size() == 5);
    CHECK(t[0] == std::vector<std::string>{"metric", "m:v1", "m:v2", "m:v3"});
    CHECK(t[1] == std::vector<std::string>{"acc", "0.9", "0.95", "0.85"});
    CHECK(t[2] == std::vector<std::string>{"f1", "-", "0.5", "-"});
    CHECK(t[3] == std::vector<std::string>{"param", "m:v1", "m:v2", "m:v3"});
    CHECK(t[4] == std::vector<std::string>{"depth", "3", "5", "3"});
    CHECK(comparison_table(runs, true).size() == 6); // seed too

    runs.pop_back();
    auto pair = comparison_table(runs, false);
    CHECK(pair[0].back() == "change");
    CHECK(pair[1].back() == "+0.05");
    auto j = comparison_json(runs, false);
    CHECK(j["old"] == "m:v1");
    CHECK(j["metrics"][0]["values"][1] == 0.95);
    CHECK(j["metrics"][1]["old"].is_null());
}
