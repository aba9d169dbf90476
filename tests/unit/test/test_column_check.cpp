#include <catch2/catch.hpp>
#include <mlci/test/column_check.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

std::vector<CheckResult> run(const config::ColumnRule& rule,
                             const std::vector<std::string>& values) {
    ColumnCheck c("x", rule);
    uint64_t line = 2;
    for (auto& v : values)
        c.add(v, line++);
    std::vector<CheckResult> out;
    c.finish(values.size(), out);
    return out;
}

const CheckResult& find(const std::vector<CheckResult>& rs, std::string_view check) {
    for (auto& r : rs)
        if (r.check == check)
            return r;
    FAIL("no check " << check);
    return rs.front();
}

} // namespace

TEST_CASE("test/column check: types", "[test][column]") {
    config::ColumnRule r;
    r.type = "int";
    auto ints = run(r, {"1", "-2", "+3", "", "NA"});
    CHECK(find(ints, "type").outcome == Outcome::passed);
    auto bad = run(r, {"1", "2.5", "x", "true"});
    auto& t = find(bad, "type");
    CHECK(t.failed());
    CHECK(t.violations == 3);
    CHECK(t.examples == std::vector<std::string>{"line 3: 2.5 is a number, not an int",
                                                 "line 4: 'x' is text, not an int",
                                                 "line 5: 'true' is a bool, not an int"});
    r.type = "number";
    CHECK(find(run(r, {"1", "2.5", "1e3"}), "type").outcome == Outcome::passed);
    CHECK(find(run(r, {"1", "abc"}), "type").violations == 1);
    r.type = "bool";
    CHECK(find(run(r, {"true", "False", "TRUE"}), "type").outcome == Outcome::passed);
    CHECK(find(run(r, {"true", "1"}), "type").violations == 1);
    r.type = "string";
    CHECK(find(run(r, {"1", "x", "true"}), "type").outcome == Outcome::passed);
}

TEST_CASE("test/column check: nulls", "[test][column]") {
    config::ColumnRule r;
    r.nullable = false;
    auto rs = run(r, {"1", "", "NA", "null", "2"});
    auto& n = find(rs, "nulls");
    CHECK(n.failed());
    CHECK(n.violations == 3);
    CHECK(n.message == "3 null values in a column that is not nullable");
    CHECK(n.examples.front() == "line 3: null ''");

    config::ColumnRule f;
    f.max_null_fraction = 0.25;
    CHECK(find(run(f, {"1", "", "2", "3"}), "nulls").outcome == Outcome::passed);
    auto over = find(run(f, {"1", "", "", "3"}), "nulls");
    CHECK(over.failed());
    CHECK_THAT(over.message,
               Catch::Contains("a fraction of 0.5 of 4 rows, above the maximum 0.25"));

    config::ColumnRule none; // no null rule: no nulls check at all
    CHECK(run(none, {"", ""}).empty());
}

TEST_CASE("test/column check: ranges", "[test][column]") {
    config::ColumnRule r;
    r.min = 0;
    r.max = 10;
    auto rs = run(r, {"0", "10", "-0.5", "10.01", "x", ""});
    auto& g = find(rs, "range");
    CHECK(g.failed());
    CHECK(g.violations == 3);
    CHECK(g.message == "3 values outside [0, 10]");
    CHECK(g.examples == std::vector<std::string>{"line 4: -0.5 is below the minimum 0",
                                                 "line 5: 10.01 is above the maximum 10",
                                                 "line 6: 'x' is not a number"});
    // With a type rule, a non-number is the type check's finding only.
    r.type = "number";
    auto typed = run(r, {"x"});
    CHECK(find(typed, "range").outcome == Outcome::passed);
    CHECK(find(typed, "type").failed());
    config::ColumnRule lower;
    lower.min = 1;
    CHECK(find(run(lower, {"5"}), "range").message == "every value is in [1, inf]");
}

TEST_CASE("test/column check: allowed values and few examples", "[test][column]") {
    config::ColumnRule r;
    r.allowed = {"setosa", "versicolor", "virginica"};
    std::vector<std::string> values{"setosa", "", "Setosa"};
    for (int i = 0; i < 20; ++i)
        values.emplace_back("rose");
    auto rs = run(r, values);
    auto& a = find(rs, "allowed");
    CHECK(a.failed());
    CHECK(a.violations == 21); // nulls are the nulls check's business
    CHECK(a.examples.size() == k_max_examples);
    CHECK(a.examples[0] == "line 4: 'Setosa' is not allowed");
    CHECK(a.message == "21 values not among setosa, versicolor, virginica");
}

TEST_CASE("test/column check: values shown in examples", "[test][column]") {
    CHECK(show_value("12") == "12");
    CHECK(show_value("abc") == "'abc'");
    CHECK(show_value(std::string(100, 'z')) == "'" + std::string(60, 'z') + "'...");
}
