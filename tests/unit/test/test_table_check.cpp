#include "data_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/stats/drift.hpp>
#include <mlci/test/drift.hpp>
#include <mlci/test/table_check.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

config::Schema schema_of(const std::string& yaml) {
    auto s = config::parse_schema(YAML::Load(yaml), "schema.yaml");
    if (!s)
        FAIL(s.error().message);
    return *s;
}

TableResult run_check(const std::string& csv, const config::Schema* schema,
                      const data::TableProfile* reference = nullptr) {
    auto reader = data::CsvReader::from_string(csv, "t.csv");
    if (!reader)
        FAIL(reader.error().message);
    return check_table(*reader, {schema, reference, stats::k_default_max_drift});
}

const CheckResult* find(const TableResult& r, std::string_view check,
                        std::string_view column = {}) {
    for (auto& c : r.checks)
        if (c.check == check && c.column == column)
            return &c;
    return nullptr;
}

std::vector<std::string> failed(const TableResult& r) {
    std::vector<std::string> out;
    for (auto& c : r.checks)
        if (c.failed())
            out.push_back(c.title());
    return out;
}

const char* k_schema = R"(
columns:
  id: {type: int, nullable: false}
  size: {type: number, min: 0, max: 100}
  kind: {allowed: [a, b]}
  flag: {type: bool, max_null_fraction: 0.5}
rows: {min: 2, max: 5}
unique: [id]
)";

} // namespace

TEST_CASE("test/table check: a table that keeps every rule", "[test][table]") {
    auto s = schema_of(k_schema);
    auto r = run_check("id,size,kind,flag,extra\n1,0.5,a,true,x\n2,100,b,,y\n3,0,a,False,z\n", &s);
    CHECK(r.rows == 3);
    CHECK(failed(r).empty());
    // Table checks first, then each column's in header order.
    std::vector<std::string> titles;
    titles.reserve(r.checks.size());
    for (auto& c : r.checks)
        titles.push_back(c.title());
    CHECK(titles == std::vector<std::string>{"columns", "rows", "duplicates", "id: unique",
                                             "id: type", "id: nulls", "size: type", "size: range",
                                             "kind: allowed", "flag: type", "flag: nulls"});
    CHECK(find(r, "columns")->message == "all 4 declared columns present");
}

TEST_CASE("test/table check: each kind of violation is found", "[test][table]") {
    auto s = schema_of(k_schema);
    auto r = run_check("id,size,kind,flag\n"
                       "1,5,a,true\n"
                       "x,5,a,true\n"   // id not an int
                       ",5,a,true\n"    // id null
                       "4,-1,a,true\n"  // size below min
                       "5,101,c,true\n" // size above max, kind not allowed
                       "1,7,b,\n"       // id repeats
                       "1,5,a,true\n",  // whole row repeats line 2
                       &s);
    CHECK(r.rows == 7);
    CHECK(failed(r) == std::vector<std::string>{"rows", "id: unique", "id: type", "id: nulls",
                                                "size: range", "kind: allowed"});
    CHECK(find(r, "rows")->message == "7 rows, outside [2, 5]");
    auto* unique = find(r, "unique", "id");
    REQUIRE(unique);
    CHECK(unique->violations == 2);
    CHECK(unique->examples ==
          std::vector<std::string>{"line 7: 1 repeats line 2", "line 8: 1 repeats line 2"});
    auto* dup = find(r, "duplicates");
    CHECK(dup->outcome == Outcome::passed); // counted, allowed: no rows.max_duplicates
    CHECK(dup->violations == 1);
    CHECK(dup->examples == std::vector<std::string>{"line 8: repeats line 2"});
    CHECK(find(r, "range", "size")->examples ==
          std::vector<std::string>{"line 5: -1 is below the minimum 0",
                                   "line 6: 101 is above the maximum 100"});
    CHECK(find(r, "allowed", "kind")->examples ==
          std::vector<std::string>{"line 6: 'c' is not allowed"});
}

TEST_CASE("test/table check: missing and repeated columns", "[test][table]") {
    auto s = schema_of(k_schema);
    auto r = run_check("id,kind\n1,a\n2,b\n", &s);
    auto* cols = find(r, "columns");
    CHECK(cols->failed());
    CHECK(cols->message == "missing columns: flag, size (the header has: id, kind)");
    CHECK(find(r, "type", "size") == nullptr); // nothing to check in a missing column
    auto twice = run_check("id,id,size,kind,flag\n1,1,1,a,true\n2,2,2,a,true\n", &s);
    CHECK(find(twice, "columns")->message == "column named twice in the header: id");
}

TEST_CASE("test/table check: duplicate rows fail beyond rows.max_duplicates", "[test][table]") {
    auto s = schema_of("rows: {max_duplicates: 1}");
    CHECK(failed(run_check("a,b\n1,2\n1,2\n3,4\n", &s)).empty());
    auto r = run_check("a,b\n1,2\n1,2\n1,2\n", &s);
    CHECK(failed(r) == std::vector<std::string>{"duplicates"});
    CHECK(find(r, "duplicates")->message == "2 duplicate rows, 1 allowed");
    // Fields are compared in order: "1,2" and "12," are different rows.
    CHECK(find(run_check("a,b\n1,2\n12,\n\"1,2\",\n", &s), "duplicates")->violations == 0);
}

TEST_CASE("test/table check: compound unique keys ignore nulls", "[test][table]") {
    auto s = schema_of("unique: ['date, store', id, nope]");
    auto r = run_check("date,store,id\n"
                       "d1,s1,1\n"
                       "d1,s2,2\n"
                       "d2,s1,3\n"
                       "d1,s1,4\n" // the key (d1, s1) again
                       "d1,,5\n"
                       "d1,NA,6\n", // nulls: not compared
                       &s);
    auto* key = find(r, "unique", "date, store");
    REQUIRE(key);
    CHECK(key->failed());
    CHECK(key->examples == std::vector<std::string>{"line 5: 'd1', 's1' repeats line 2"});
    CHECK(find(r, "unique", "id")->outcome == Outcome::passed);
    auto* nope = find(r, "unique", "nope");
    CHECK(nope->failed());
    CHECK(nope->message == "no column nope in the table");
}

TEST_CASE("test/table check: a record that does not parse is a finding", "[test][table]") {
    auto s = schema_of("rows: {min: 1}");
    auto r = run_check("a,b\n1,2\n3\n4,5\n", &s);
    auto* parse = find(r, "parse");
    REQUIRE(parse);
    CHECK(parse->failed());
    CHECK_THAT(parse->message, Catch::Contains("t.csv:3"));
    CHECK(r.checks.front().check == "parse");
    CHECK(r.rows == 1); // the checks up to there are kept
}

TEST_CASE("test/table check: drift needs no schema, and a lost column drifts", "[test][table]") {
    auto reference_csv = testing::measurements(200);
    auto reader = data::CsvReader::from_string(reference_csv, "r.csv");
    auto profile = *data::profile_csv(*reader);
    auto same = run_check(reference_csv, nullptr, &profile);
    CHECK(failed(same).empty());
    CHECK(find(same, "drift", "sepal_length") != nullptr);
    CHECK(find(same, "duplicates") == nullptr); // no schema: no table rules

    auto shifted = run_check(testing::measurements(200, 2.0, 9), nullptr, &profile);
    CHECK(failed(shifted) == std::vector<std::string>{"sepal_length: drift"});

    auto lost = run_check("sepal_length,species\n5.0,setosa\n", nullptr, &profile);
    auto* gone = find(lost, "drift", "petal_width");
    REQUIRE(gone);
    CHECK(gone->failed());
    CHECK(gone->message == "the column is gone (the reference has it)");
}
