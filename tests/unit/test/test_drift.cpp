#include "data_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/stats/drift.hpp>
#include <mlci/test/drift.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

data::TableProfile profile_of(const std::string& csv) {
    auto reader = data::CsvReader::from_string(csv, "t.csv");
    REQUIRE(reader);
    auto p = data::profile_csv(*reader);
    REQUIRE(p);
    return *p;
}

// The drift of column `name` of `actual` against its profile in `reference`.
CheckResult drift(const std::string& reference, const std::string& actual, const std::string& name,
                  double max_psi = stats::k_default_max_drift) {
    auto ref = profile_of(reference);
    auto* col = ref.column(name);
    REQUIRE(col);
    ColumnDrift d(*col);
    auto reader = data::CsvReader::from_string(actual, "a.csv");
    REQUIRE(reader);
    size_t index = 0;
    while (reader->header()[index] != name)
        ++index;
    std::vector<std::string_view> row;
    while (*reader->next(row))
        if (!data::is_null_value(row[index]))
            d.add(row[index]);
    return d.finish(max_psi);
}

std::string every_other_row(const std::string& csv) {
    std::istringstream in(csv);
    std::string line, out;
    std::getline(in, line);
    out = line + "\n";
    for (size_t i = 0; std::getline(in, line); ++i)
        if (i % 2 == 0)
            out += line + "\n";
    return out;
}

} // namespace

TEST_CASE("test/drift: the same data does not drift", "[test][drift]") {
    auto csv = testing::measurements(300);
    for (auto col : {"sepal_length", "petal_width", "species"}) {
        auto r = drift(csv, csv, col);
        CHECK(r.outcome == Outcome::passed);
        CHECK(r.stats["psi"].get<double>() == Approx(0).margin(1e-12));
        CHECK(r.column == col);
    }
    CHECK(drift(csv, csv, "sepal_length").stats["ks"].get<double>() == 0);
    CHECK(drift(csv, csv, "sepal_length").message == "PSI 0 <= 0.2, KS D 0");
}

TEST_CASE("test/drift: a shifted column drifts, the others do not", "[test][drift]") {
    auto reference = testing::measurements(300);
    auto shifted = testing::measurements(300, 1.5, 8);
    auto r = drift(reference, shifted, "sepal_length");
    CHECK(r.failed());
    CHECK(r.stats["psi"].get<double>() > 1);
    CHECK(r.stats["ks"].get<double>() > 0.5);
    CHECK_THAT(r.message, Catch::StartsWith("PSI ") && Catch::Contains(" > 0.2, KS D "));
    REQUIRE_FALSE(r.examples.empty());
    CHECK_THAT(r.examples[0], Catch::StartsWith("mean 7."));
    // Another sample of the same distributions: no drift.
    for (auto col : {"sepal_width", "petal_length", "petal_width", "species"})
        CHECK(drift(reference, shifted, col).outcome == Outcome::passed);
}

TEST_CASE("test/drift: a subsample of half the rows stays below the limit", "[test][drift]") {
    // 20 equal-width bins of a few dozen rows each would give PSI above 0.2
    // by chance; merged into reference deciles they do not.
    auto reference = testing::measurements(150);
    auto half = every_other_row(reference);
    for (auto col : {"sepal_length", "sepal_width", "petal_length", "petal_width"}) {
        auto r = drift(reference, half, col);
        INFO(col << ": " << r.message);
        CHECK(r.outcome == Outcome::passed);
        CHECK(r.stats["psi"].get<double>() < 0.15);
        CHECK(r.stats["buckets"].get<int>() <= 11);
    }
}

TEST_CASE("test/drift: a PSI that a small sample shows by chance is not drift", "[test][drift]") {
    auto reference = testing::measurements(150);
    // 20 rows of the same distributions: PSI over ten deciles is large by chance.
    auto few = testing::measurements(20, 0, 99);
    bool any_above = false;
    for (auto col : {"sepal_length", "sepal_width", "petal_length", "petal_width"}) {
        auto r = drift(reference, few, col);
        INFO(col << ": " << r.message);
        CHECK(r.outcome == Outcome::passed);
        CHECK(r.stats["p_value"].get<double>() >= stats::k_drift_alpha);
        if (r.stats["psi"].get<double>() > stats::k_default_max_drift) {
            any_above = true;
            CHECK_THAT(r.message, Catch::Contains("by chance"));
        }
    }
    CHECK(any_above); // else this test shows nothing
    // A real shift in those 20 rows is still found.
    auto shifted = drift(reference, testing::measurements(20, 2.5, 99), "sepal_length");
    CHECK(shifted.failed());
    CHECK(shifted.stats["p_value"].get<double>() < stats::k_drift_alpha);
}

TEST_CASE("test/drift: categories that change share", "[test][drift]") {
    std::string reference = "c\n", actual = "c\n";
    for (int i = 0; i < 90; ++i)
        reference += i % 3 == 0 ? "a\n" : i % 3 == 1 ? "b\n" : "c\n";
    for (int i = 0; i < 90; ++i)
        actual += i < 70 ? "a\n" : i < 80 ? "b\n" : "new\n";
    auto r = drift(reference, actual, "c");
    CHECK(r.failed());
    CHECK(r.stats["method"] == "reference categories");
    CHECK(r.examples[0] == "'a': 77.8% (reference 33.3%)");
    CHECK(r.examples.back() == "11.1% other values (reference 0.0%)");
}

TEST_CASE("test/drift: bools are compared folded", "[test][drift]") {
    std::string reference = "b\n", actual = "b\n";
    for (int i = 0; i < 50; ++i) {
        reference += i % 2 ? "true\n" : "false\n";
        actual += i % 2 ? "True\n" : "FALSE\n";
    }
    CHECK(drift(reference, actual, "b").outcome == Outcome::passed);
}

TEST_CASE("test/drift: text in a numeric column counts as drift", "[test][drift]") {
    auto reference = testing::measurements(200);
    std::string actual = "sepal_length\n";
    for (int i = 0; i < 200; ++i)
        actual += i % 2 ? "5.8\n" : "unknown\n";
    auto r = drift(reference, actual, "sepal_length");
    CHECK(r.failed());
    CHECK(r.examples.back() == "100 values are not numbers");
}

TEST_CASE("test/drift: empty sides", "[test][drift]") {
    auto empty_ref = drift("x\nNA\nnull\n", "x\n1\n", "x");
    CHECK(empty_ref.outcome == Outcome::skipped);
    auto empty_now = drift("x\n1\n2\n", "x\nNA\n", "x");
    CHECK(empty_now.failed());
    CHECK(empty_now.message == "no values to compare with the reference's 2");
}

TEST_CASE("test/drift: the limit is the caller's", "[test][drift]") {
    auto reference = testing::measurements(300);
    auto shifted = testing::measurements(300, 0.3, 8);
    auto r = drift(reference, shifted, "sepal_length", 1000);
    CHECK(r.outcome == Outcome::passed);
    CHECK(r.stats["max_psi"] == 1000);
}
