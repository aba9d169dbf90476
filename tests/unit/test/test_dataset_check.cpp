#include "data_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/test/dataset_check.hpp>

using namespace mlci;
using namespace mlci::test;

namespace {

config::Schema iris_schema() {
    return *config::parse_schema(YAML::Load(R"(
columns:
  sepal_length: {type: number, min: 0, max: 20, nullable: false}
  species: {allowed: [setosa, versicolor, virginica]}
rows: {min: 100}
)"),
                                 "schema.yaml");
}

DatasetCheck run_check(testing::Project& p, const store::IndexEntry& e,
                       std::optional<config::Schema> schema,
                       std::optional<store::IndexEntry> reference = std::nullopt) {
    DatasetCheckSpec spec{"iris", e, std::move(schema), "schema.yaml", std::move(reference), 0.2};
    auto r = check_dataset(p.store, spec);
    if (!r)
        FAIL(r.error().message);
    return *r;
}

std::vector<std::string> failed(const DatasetCheck& d) {
    std::vector<std::string> out;
    for (auto& f : d.files)
        for (auto& c : f.checks)
            if (c.failed())
                out.push_back(c.title());
    return out;
}

} // namespace

TEST_CASE("test/dataset check: the version in the store, not the workspace", "[test][dataset]") {
    testing::Project p;
    p.write("data/iris.csv", testing::measurements(150));
    auto v1 = p.add("data/iris.csv", "iris");
    // The workspace changes after versioning: v1 is what is checked.
    p.write("data/iris.csv", "sepal_length,species\n-5,rose\n");
    auto d = run_check(p, v1, iris_schema());
    CHECK(d.passed());
    CHECK(d.name == "iris");
    CHECK(d.reference == "iris:v1");
    REQUIRE(d.files.size() == 1);
    CHECK(d.files[0].path == "data/iris.csv");
    CHECK(d.files[0].rows == 150);
    CHECK(d.notes.empty());

    auto v2 = p.add("data/iris.csv", "iris");
    auto bad = run_check(p, v2, iris_schema());
    CHECK_FALSE(bad.passed());
    CHECK(failed(bad) ==
          std::vector<std::string>{"rows", "sepal_length: range", "species: allowed"});
    CHECK(bad.failures() == 3);
}

TEST_CASE("test/dataset check: drift against a reference version", "[test][dataset]") {
    testing::Project p;
    p.write("data/iris.csv", testing::measurements(300));
    auto v1 = p.add("data/iris.csv", "iris");
    p.write("data/iris.csv", testing::measurements(300, 1.5, 11));
    auto v2 = p.add("data/iris.csv", "iris");

    auto same = run_check(p, v1, std::nullopt, v1);
    CHECK(same.passed());
    CHECK(same.drift_reference == "iris:v1");
    CHECK_THAT(same.notes.at(0), Catch::Contains("no schema for 'iris'"));

    auto drifted = run_check(p, v2, std::nullopt, v1);
    CHECK(failed(drifted) == std::vector<std::string>{"sepal_length: drift"});

    // A reference exported under another name still pairs with a single table.
    p.write("exports/old.csv", testing::measurements(300));
    auto other = p.add("exports/old.csv", "old");
    auto renamed = run_check(p, v2, std::nullopt, other);
    CHECK(failed(renamed) == std::vector<std::string>{"sepal_length: drift"});
    CHECK_THAT(renamed.notes.back(), Catch::Contains("measured against 'exports/old.csv'"));
}

TEST_CASE("test/dataset check: folders of tables", "[test][dataset]") {
    testing::Project p;
    p.write("data/parts/a.csv", testing::measurements(120));
    p.write("data/parts/b.csv", "sepal_length,species\n99,rose\n");
    p.write("data/parts/readme.txt", "not a table");
    auto v = p.add("data/parts", "parts");
    auto d = run_check(p, v, iris_schema());
    REQUIRE(d.files.size() == 2);
    CHECK(d.files[0].path == "data/parts/a.csv");
    CHECK(d.files[0].passed());
    CHECK(d.files[1].path == "data/parts/b.csv");
    CHECK_FALSE(d.files[1].passed());
    auto suite = to_suite(d);
    CHECK(suite.name == "data: parts");
    // With several tables each case names its file.
    CHECK(suite.cases[0].name == "data/parts/a.csv: columns");
}

TEST_CASE("test/dataset check: a schema with no table to apply to fails", "[test][dataset]") {
    testing::Project p;
    p.write("docs/a.txt", "hello");
    auto v = p.add("docs", "docs");
    auto d = run_check(p, v, iris_schema());
    CHECK_FALSE(d.passed());
    CHECK(failed(d) == std::vector<std::string>{"parse"});
    auto without = run_check(p, v, std::nullopt);
    CHECK(without.passed());
    CHECK_THAT(without.notes.at(0), Catch::Contains("holds no CSV table"));
}

TEST_CASE("test/dataset check: malformed CSV names the table, not the blob", "[test][dataset]") {
    // 'data-version add' refuses such a file, so the version is written by
    // hand, as another tool (or an older mlci) could have pushed it.
    testing::Project p;
    std::string csv = "a,b\n1,2\n\"unclosed,3\n";
    auto blob = *p.store.put_blob(csv, "text/csv");
    std::vector<store::FileEntry> files{{"bad.csv", csv.size(), 0644, blob.digest}};
    auto list = *p.store.put_blob(store::serialize_file_list(files), store::k_media_file_list);
    list.annotations[data::k_ann_title] = "data/bad.csv";
    store::Manifest m;
    m.artifact_type = store::k_type_dataset;
    m.config =
        *p.store.put_blob(R"({"kind":"dataset","name":"bad"})", data::k_media_dataset_config);
    m.layers = {list};
    REQUIRE(p.store.add_to_index(*p.store.put_manifest(m), {"bad:v1"}));
    auto v = p.entry("bad:v1");
    auto d = run_check(p, v, std::nullopt);
    REQUIRE(d.files.size() == 1);
    REQUIRE_FALSE(d.files[0].checks.empty());
    auto& parse = d.files[0].checks[0];
    CHECK(parse.failed());
    CHECK_THAT(parse.message, Catch::Contains("data/bad.csv:3") && !Catch::Contains("blobs"));
}

TEST_CASE("test/dataset check: errors that stop the check", "[test][dataset]") {
    testing::Project p;
    p.write("data/iris.csv", testing::measurements(10));
    auto v = p.add("data/iris.csv", "iris");
    // Not a dataset.
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *p.store.put_blob("{}", "application/json");
    auto run = *p.store.put_manifest(m);
    REQUIRE(p.store.add_to_index(run, {"run:v1"}));
    DatasetCheckSpec spec{"run", p.entry("run:v1"), std::nullopt, "", std::nullopt, 0.2};
    auto r = check_dataset(p.store, spec);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK_THAT(r.error().message, Catch::Contains("is not a dataset"));

    // The table's content is gone from the store.
    auto ds = *data::load_dataset(p.store, v);
    auto files = *data::load_files(p.store, ds.roots[0].file_list);
    std::filesystem::permissions(p.store.blob_path(files[0].digest).parent_path(),
                                 std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add);
    std::filesystem::remove(p.store.blob_path(files[0].digest));
    DatasetCheckSpec gone{"iris", v, std::nullopt, "", std::nullopt, 0.2};
    auto missing = check_dataset(p.store, gone);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::runtime);
    CHECK_THAT(missing.error().message,
               Catch::Contains("'data/iris.csv'") && Catch::Contains("missing from the store"));
}
