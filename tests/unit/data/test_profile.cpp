#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <mlci/data/profile.hpp>
#include <mlci/stats/distance.hpp>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mlci;
using namespace mlci::data;

namespace {

// A folder of its own for each test, removed at the end.
struct ProfileDir {
    fs::path path;
    ProfileDir() {
        static std::atomic<unsigned> counter{0};
        path = fs::temp_directory_path() /
               fmt::format("mlci-test-profile-{}-{}", ::getpid(), counter.fetch_add(1));
        fs::create_directories(path);
    }
    ~ProfileDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const std::string& name, const std::string& content) const {
        auto p = path / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
};

TableProfile profile_text(const std::string& text) {
    ProfileDir dir;
    auto profile = profile_csv(dir.write("t.csv", text));
    if (!profile)
        FAIL(profile.error().message);
    return *profile;
}

const ColumnProfile& column(const TableProfile& t, std::string_view name) {
    const ColumnProfile* c = t.column(name);
    REQUIRE(c);
    return *c;
}

uint64_t sum(const std::vector<uint64_t>& v) {
    return std::accumulate(v.begin(), v.end(), uint64_t{0});
}

// One column named x holding `values`, one a line.
std::string one_column(const std::vector<double>& values) {
    std::string text = "x\n";
    for (double v : values)
        text += fmt::format("{}\n", v);
    return text;
}

std::vector<double> normal_sample(double mean, double sd, size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> dist(mean, sd);
    std::vector<double> v(n);
    for (auto& x : v)
        x = dist(rng);
    return v;
}

} // namespace

TEST_CASE("profile infers each column's type from all its non-null values") {
    auto t = profile_text("i,n,mixed,b,s,intbool,empty\n"
                          "1,1.5,1,true,a,1,\n"
                          "-2,2,2.5,FALSE,b,true,NA\n"
                          "NA,,3,True,3,0,null\n"
                          "4,1e2,NaN,,x y,1,\n");
    CHECK(t.rows == 4);
    REQUIRE(t.columns.size() == 7);
    CHECK(column(t, "i").type == "int");
    CHECK(column(t, "n").type == "number");
    CHECK(column(t, "mixed").type == "number"); // ints and decimals
    CHECK(column(t, "b").type == "bool");
    CHECK(column(t, "s").type == "string");
    CHECK(column(t, "intbool").type == "string"); // numbers and a bool
    CHECK(column(t, "empty").type == "string");   // nothing to go by
    // Columns keep header order.
    CHECK(t.columns[0].name == "i");
    CHECK(t.columns[6].name == "empty");
}

TEST_CASE("profile counts nulls apart from values") {
    auto t = profile_text("a,b\n1,x\nNA,\nN/A,None\n4,NULL\nnull,x\n");
    const auto& a = column(t, "a");
    CHECK(a.count == 2);
    CHECK(a.nulls == 3);
    CHECK(a.distinct == 2);
    CHECK(*a.min == 1);
    CHECK(*a.max == 4);
    const auto& b = column(t, "b");
    CHECK(b.count == 2);
    CHECK(b.nulls == 3);
    CHECK(b.distinct == 1);
    CHECK(b.top == std::vector<std::pair<std::string, uint64_t>>{{"x", 2}});

    auto empty_profile = profile_text("e,f\n,1\nNA,2\n");
    const auto& empty = column(empty_profile, "e");
    CHECK(empty.count == 0);
    CHECK(empty.nulls == 2);
    CHECK_FALSE(empty.min);
    CHECK(empty.bin_counts.empty());
    CHECK(empty.top.empty());
}

TEST_CASE("profile computes min, max, mean and sample standard deviation") {
    // 2 4 4 4 5 5 7 9: mean 5, squared deviations sum to 32, sample sd sqrt(32/7).
    auto t = profile_text("x,y\n2,0.5\n4,1.5\n4,NA\n4,2.5\n5,\n5,3.5\n7,-1\n9,1\n");
    const auto& x = column(t, "x");
    CHECK(x.type == "int");
    CHECK(x.count == 8);
    CHECK(*x.min == 2);
    CHECK(*x.max == 9);
    CHECK(*x.mean == Approx(5.0));
    CHECK(*x.std == Approx(std::sqrt(32.0 / 7.0)));
    CHECK(x.distinct == 5);
    CHECK(x.top.empty()); // top values are for strings and bools
    // 0.5 1.5 2.5 3.5 -1 1: mean 8/6, deviations from it squared sum to 13.8333...
    const auto& y = column(t, "y");
    CHECK(y.type == "number");
    CHECK(y.count == 6);
    CHECK(y.nulls == 2);
    CHECK(*y.min == -1);
    CHECK(*y.max == 3.5);
    CHECK(*y.mean == Approx(8.0 / 6.0));
    double m = 8.0 / 6.0, ss = 0;
    for (double v : {0.5, 1.5, 2.5, 3.5, -1.0, 1.0})
        ss += (v - m) * (v - m);
    CHECK(*y.std == Approx(std::sqrt(ss / 5)));

    auto one_profile = profile_text("x\n3\n");
    const auto& one = column(one_profile, "x");
    CHECK(*one.std == 0);
}

TEST_CASE("profile quantiles interpolate between closest ranks") {
    // 1..100 in shuffled order: quantile q sits at rank q * 99.
    std::vector<double> values(100);
    std::iota(values.begin(), values.end(), 1.0);
    std::shuffle(values.begin(), values.end(), std::mt19937(7));
    auto x_profile = profile_text(one_column(values));
    const auto& x = column(x_profile, "x");
    REQUIRE(x.quantiles.size() == 7);
    CHECK(x.quantiles.at("p01") == Approx(1.99));
    CHECK(x.quantiles.at("p05") == Approx(5.95));
    CHECK(x.quantiles.at("p25") == Approx(25.75));
    CHECK(x.quantiles.at("p50") == Approx(50.5));
    CHECK(x.quantiles.at("p75") == Approx(75.25));
    CHECK(x.quantiles.at("p95") == Approx(95.05));
    CHECK(x.quantiles.at("p99") == Approx(99.01));

    auto two_profile = profile_text("x\n10\nNA\n0\n");
    const auto& two = column(two_profile, "x");
    CHECK(two.quantiles.at("p01") == Approx(0.1));
    CHECK(two.quantiles.at("p25") == Approx(2.5));
    CHECK(two.quantiles.at("p99") == Approx(9.9));
    auto one_profile = profile_text("x\n-3.5\n");
    for (const auto& [key, value] : column(one_profile, "x").quantiles)
        CHECK(value == -3.5);
}

TEST_CASE("profile histogram has 20 equal bins over the range that hold every value") {
    // 0..20: bins of width 1; the last bin holds both 19 and its upper edge 20.
    std::vector<double> values(21);
    std::iota(values.begin(), values.end(), 0.0);
    auto t = profile_text(one_column(values) + "NA\n");
    const auto& x = column(t, "x");
    REQUIRE(x.bin_edges.size() == 21);
    REQUIRE(x.bin_counts.size() == 20);
    for (size_t i = 0; i <= 20; ++i)
        CHECK(x.bin_edges[i] == Approx(static_cast<double>(i)));
    for (size_t i = 0; i < 19; ++i)
        CHECK(x.bin_counts[i] == 1);
    CHECK(x.bin_counts[19] == 2);
    CHECK(sum(x.bin_counts) == x.count);

    auto skewed = normal_sample(50, 10, 5000, 1);
    for (auto& v : skewed)
        v = std::exp(v / 20);
    auto y_profile = profile_text(one_column(skewed));
    const auto& y = column(y_profile, "x");
    CHECK(sum(y.bin_counts) == 5000);
    CHECK(y.bin_edges.front() == *y.min);
    CHECK(y.bin_edges.back() == *y.max);

    // A constant column gets a range around its value.
    auto c_profile = profile_text("x\n7\n7\n7\n");
    const auto& c = column(c_profile, "x");
    CHECK(c.bin_edges.front() < 7);
    CHECK(c.bin_edges.back() > 7);
    CHECK(sum(c.bin_counts) == 3);
    CHECK(c.bin_counts == bin_values({7, 7, 7}, c.bin_edges));
}

TEST_CASE("profile lists the most frequent values, ties by value") {
    std::string text = "s,b\n";
    // c x5, a x3, b x3, then 30 values seen once.
    for (const char* v : {"c", "a", "b", "c", "b", "a", "c", "c", "a", "b", "c"})
        text += fmt::format("{},true\n", v);
    for (int i = 0; i < 30; ++i)
        text += fmt::format("u{:02},{}\n", i, i % 3 == 0 ? "FALSE" : "True");
    auto t = profile_text(text);
    const auto& s = column(t, "s");
    CHECK(s.distinct == 33);
    CHECK_FALSE(s.distinct_capped);
    REQUIRE(s.top.size() == 20);
    CHECK(s.top[0] == std::pair<std::string, uint64_t>{"c", 5});
    CHECK(s.top[1] == std::pair<std::string, uint64_t>{"a", 3});
    CHECK(s.top[2] == std::pair<std::string, uint64_t>{"b", 3});
    CHECK(s.top[3] == std::pair<std::string, uint64_t>{"u00", 1});
    CHECK(s.top[19] == std::pair<std::string, uint64_t>{"u16", 1});
    // Bools are folded whatever their case.
    const auto& b = column(t, "b");
    CHECK(b.type == "bool");
    CHECK(b.distinct == 2);
    CHECK(b.top == std::vector<std::pair<std::string, uint64_t>>{{"true", 31}, {"false", 10}});
}

TEST_CASE("profile keeps names and values valid UTF-8 so that JSON can hold them") {
    auto t = profile_text("caf\xe9,ok\ncaf\xe9,\xc3\xa9t\xc3\xa9\n\xc0\xaf,\xf0\x9f\x98\x80\n");
    CHECK(t.columns[0].name == "caf\uFFFD");
    CHECK(t.columns[0].distinct == 2);
    CHECK(t.columns[0].top ==
          std::vector<std::pair<std::string, uint64_t>>{{"caf\uFFFD", 1}, {"\uFFFD\uFFFD", 1}});
    // Well-formed multi-byte text is kept as it is.
    CHECK(t.columns[1].top == std::vector<std::pair<std::string, uint64_t>>{
                                  {"\xc3\xa9t\xc3\xa9", 1}, {"\xf0\x9f\x98\x80", 1}});
    std::string dumped;
    CHECK_NOTHROW(dumped = to_json(t).dump());
    auto back = profile_from_json(nlohmann::json::parse(dumped));
    REQUIRE(back);
    CHECK(*back == t);
}

TEST_CASE("profile counts distinct values exactly up to the cap") {
    std::string text = "id,n\n";
    for (uint64_t i = 0; i < k_distinct_cap + 500; ++i)
        text += fmt::format("id{},{}\n", i, i % 10);
    auto t = profile_text(text);
    const auto& id = column(t, "id");
    CHECK(id.distinct == k_distinct_cap);
    CHECK(id.distinct_capped);
    CHECK(id.top.size() == 20);
    const auto& n = column(t, "n");
    CHECK(n.distinct == 10);
    CHECK_FALSE(n.distinct_capped);
}

TEST_CASE("profile of a wide table profiles the first columns and counts the rest") {
    const size_t n = 5000;
    std::string header, row;
    for (size_t i = 0; i < n; ++i) {
        header += fmt::format("{}c{}", i ? "," : "", i);
        row += fmt::format("{}{}", i ? "," : "", i % 7);
    }
    auto t = profile_text(header + "\n" + row + "\n" + row + "\n");
    CHECK(t.rows == 2);
    CHECK(t.duplicate_rows == 1);
    REQUIRE(t.columns.size() > 0);
    CHECK(t.columns.size() <= k_max_columns);
    CHECK(t.columns.size() + t.unprofiled_columns == n);
    CHECK(t.columns.front().name == "c0");
    auto json = to_json(t);
    CHECK(json.dump().size() <= k_max_profile_bytes);
    CHECK(json["unprofiled_columns"] == t.unprofiled_columns);
    auto back = profile_from_json(json);
    REQUIRE(back);
    CHECK(*back == t);
    // A narrow table's JSON has no such key: its bytes stay as they were.
    CHECK_FALSE(to_json(profile_text("a\n1\n")).contains("unprofiled_columns"));
}

TEST_CASE("profile keeps at most k_max_profile_text bytes of a text") {
    std::string long_name(300, 'n');
    std::string e_acute = "\xc3\xa9";
    std::string long_value;
    while (long_value.size() < 2 * k_max_profile_text)
        long_value += e_acute;
    std::string other = long_value + "z"; // differs only past the kept bytes
    auto t = profile_text(long_name + ",b\n" + long_value + ",1\n" + long_value + ",2\n" + other +
                          ",3\n");
    const auto& c = t.columns[0];
    CHECK(c.name.size() <= k_max_profile_text + 3);
    CHECK(c.name.ends_with("\xE2\x80\xA6"));
    CHECK(c.distinct == 2); // compared whole, not by what is kept
    REQUIRE(c.top.size() == 2);
    CHECK(c.top[0].second == 2);
    CHECK(c.top[0].first == c.top[1].first); // both cut to the same text
    CHECK(c.top[0].first == profile_text_of(long_value));
    CHECK(c.top[0].first.size() <= k_max_profile_text + 3);
    CHECK(c.top[0].first.find("\xEF\xBF\xBD") == std::string::npos); // cut between characters
    CHECK(profile_text_of("short") == "short");
}

TEST_CASE("profile counts rows seen before as duplicates") {
    auto t = profile_text("a,b\n1,x\n2,y\n1,x\n1,x\n\"1\",x\n1,y\n");
    CHECK(t.rows == 6);
    CHECK(t.duplicate_rows == 3); // a quoted "1" is the same content
    // The same characters split differently are different rows.
    auto u = profile_text("a,b\n\"p,q\",r\np,\"q,r\"\n");
    CHECK(u.duplicate_rows == 0);
    CHECK(profile_text("a\n\n").duplicate_rows == 0);
}

TEST_CASE("profile refuses a header that names a column twice") {
    ProfileDir dir;
    auto r = profile_csv(dir.write("d.csv", "a,b,a\n1,2,3\n"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK(r.error().message.find("column 'a' appears twice") != std::string::npos);
}

TEST_CASE("profile passes on the reader's errors") {
    ProfileDir dir;
    auto r = profile_csv(dir.write("bad.csv", "a,b\n1,2\n3\n"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK(r.error().message.find("bad.csv:3") != std::string::npos);
}

TEST_CASE("profile of many values samples deterministically") {
    // More values than are kept: quantiles and bins come from a fixed-seed
    // sample, min/max/mean from every value.
    ProfileDir dir;
    const size_t n = k_exact_values + 200'000;
    std::string text = "x,k\n";
    text.reserve(n * 12);
    for (size_t i = 0; i < n; ++i)
        text += fmt::format("{},{}\n", (i * 7919) % n, i % 2 ? "a" : "b");
    auto path = dir.write("big.csv", text);
    auto first = profile_csv(path);
    REQUIRE(first);
    const auto& x = column(*first, "x");
    CHECK(x.count == n);
    CHECK(*x.min == 0);
    CHECK(*x.max == static_cast<double>(n - 1));
    CHECK(*x.mean == Approx((n - 1) / 2.0));
    CHECK(sum(x.bin_counts) == n);
    for (uint64_t c : x.bin_counts)
        CHECK(static_cast<double>(c) == Approx(n / 20.0).epsilon(0.02));
    CHECK(x.quantiles.at("p50") == Approx(n / 2.0).epsilon(0.01));
    CHECK(x.quantiles.at("p99") == Approx(0.99 * n).epsilon(0.01));
    auto second = profile_csv(path);
    REQUIRE(second);
    CHECK(to_json(*first).dump() == to_json(*second).dump());
}

TEST_CASE("profile JSON round-trips exactly and is the same for the same file") {
    std::string text = "id,score,name,flag,empty\n";
    auto scores = normal_sample(0.1, 3.3, 300, 3);
    for (size_t i = 0; i < scores.size(); ++i)
        text += fmt::format("{},{},\"n{}, \"\"q\"\"\",{},\n", i, scores[i], i % 7,
                            i % 2 ? "true" : "false");
    auto profile = profile_text(text);
    auto json = to_json(profile);
    CHECK(json.at("version") == 1);
    CHECK(json.at("rows") == 300);
    auto back = profile_from_json(nlohmann::json::parse(json.dump()));
    REQUIRE(back);
    CHECK(*back == profile);
    CHECK(to_json(*back).dump() == json.dump());
    CHECK(to_json(profile_text(text)).dump() == json.dump());
}

TEST_CASE("profile_from_json says what is wrong") {
    auto json = to_json(profile_text("a,b\n1,x\n2,y\n"));
    auto error_of = [](const nlohmann::json& j) {
        auto r = profile_from_json(j);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        return r.error().message;
    };
    CHECK(error_of(nlohmann::json::array()) == "malformed profile: not a JSON object");
    auto j = json;
    j.erase("rows");
    CHECK(error_of(j) == "malformed profile: 'rows' is missing");
    j = json;
    j["version"] = 99;
    CHECK(error_of(j).find("version 99 is not supported") != std::string::npos);
    j = json;
    j["columns"][0]["count"] = -1;
    CHECK(error_of(j) == "malformed profile column 1 'a': 'count' is not a count");
    j = json;
    j["columns"][1]["type"] = "text";
    CHECK(error_of(j).find("'type' is not one of") != std::string::npos);
    j = json;
    j["columns"][0]["bin_counts"].push_back(1);
    CHECK(error_of(j).find("one more element") != std::string::npos);
    j = json;
    j["columns"][1]["top"][0] = "y";
    CHECK(error_of(j).find("'top' holds") != std::string::npos);
}

TEST_CASE("bin_values puts values outside the edges into the end bins") {
    std::vector<double> edges = {0, 1, 2, 3};
    CHECK(bin_values({-5, 0, 0.5, 1, 2.999, 3, 99, std::nan("")}, edges) ==
          std::vector<uint64_t>{3, 1, 3});
    CHECK(bin_values({1, 2}, {5}).empty());
    CHECK(bin_values({}, edges) == std::vector<uint64_t>{0, 0, 0});
}

TEST_CASE("psi tells a profiled column's new data from a shifted source's") {
    // A column profiled, then new data from the same and from a shifted source.
    auto train = normal_sample(10, 2, 20'000, 11);
    auto x_profile = profile_text(one_column(train));
    const auto& x = column(x_profile, "x");
    auto same = bin_values(normal_sample(10, 2, 20'000, 12), x.bin_edges);
    auto shifted = bin_values(normal_sample(11.5, 2, 20'000, 13), x.bin_edges);
    CHECK(stats::psi(x.bin_counts, same) < 0.01);
    CHECK(stats::psi(x.bin_counts, shifted) > 0.2);
}

TEST_CASE("ks statistic of a stored histogram against samples") {
    // The samples are binned with the histogram's edges.
    std::vector<double> edges = {0, 1, 2, 3, 4};
    CHECK(ks_statistic(edges, {1, 1, 1, 1}, {0.5, 1.5, 2.5, 3.5}) == 0);
    CHECK(ks_statistic(edges, {1, 1, 1, 1}, {2.5, 3.5, 3.9, 10}) == Approx(0.5));

    auto train = normal_sample(0, 1, 20'000, 21);
    auto x_profile = profile_text(one_column(train));
    const auto& x = column(x_profile, "x");
    CHECK(ks_statistic(x.bin_edges, x.bin_counts, normal_sample(0, 1, 5000, 22)) < 0.03);
    // Shifted by one sd: the true D is 2 * Phi(0.5) - 1 = 0.383.
    double d = ks_statistic(x.bin_edges, x.bin_counts, normal_sample(1, 1, 5000, 23));
    CHECK(d == Approx(0.383).margin(0.04));
}

TEST_CASE("reference buckets of a categorical column: its top values, then the others") {
    ColumnProfile p;
    p.count = 10;
    p.top = {{"a", 5}, {"b", 3}};
    CHECK(reference_buckets(p) == std::vector<uint64_t>{5, 3, 2});
}
