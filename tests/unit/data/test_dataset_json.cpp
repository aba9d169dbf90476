#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/data/dataset_json.hpp>
#include <mlci/store/artifact_json.hpp>

using namespace mlci;
using namespace mlci::data;

namespace {

hash::Digest dataset_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

Version dataset_json_version(const std::string& tag, const std::string& commit) {
    Version v;
    v.name = "iris";
    v.number = 2;
    v.tag = tag;
    v.manifest.digest = dataset_json_digest('a');
    v.created = "2026-01-02T03:04:05Z";
    v.message = "second export";
    v.commit = commit;
    v.files = 3;
    v.size = 4500;
    return v;
}

} // namespace

TEST_CASE("dataset json: add", "[data][dataset_json]") {
    AddResult r;
    r.reference = "iris:v2";
    r.manifest.digest = dataset_json_digest('a');
    r.files = 3;
    r.bytes = 4500;
    r.new_files = 1;
    r.new_bytes = 1500;
    CHECK(to_json(r) == nlohmann::json{{"reference", "iris:v2"},
                                       {"digest", dataset_json_digest('a').str()},
                                       {"files", 3},
                                       {"bytes", 4500},
                                       {"new_files", 1},
                                       {"new_bytes", 1500},
                                       {"unchanged", false}});
    r.unchanged = true;
    CHECK(to_json(r)["unchanged"] == true);
}

TEST_CASE("dataset json: log and list", "[data][dataset_json]") {
    auto v2 = dataset_json_version("iris:v2", "0123456789abcdef");
    auto v1 = dataset_json_version("iris:v1", ""); // not in git: an empty string
    v1.message.clear();
    auto log = to_json(std::vector<Version>{v2, v1});
    REQUIRE(log.is_array());
    REQUIRE(log.size() == 2);
    CHECK(log[0] == nlohmann::json{{"reference", "iris:v2"},
                                   {"digest", dataset_json_digest('a').str()},
                                   {"created", "2026-01-02T03:04:05Z"},
                                   {"message", "second export"},
                                   {"commit", "0123456789abcdef"},
                                   {"files", 3},
                                   {"size", 4500}});
    CHECK(log[1]["reference"] == "iris:v1");
    CHECK(log[1]["commit"] == "");
    CHECK(log[1]["message"] == "");
    CHECK(to_json(std::vector<Version>{}) == nlohmann::json::array());

    DatasetSummary d{"iris", v2, 2};
    auto list = to_json(std::vector<DatasetSummary>{d});
    REQUIRE(list.size() == 1);
    CHECK(list[0] == nlohmann::json{{"name", "iris"},
                                    {"latest", "iris:v2"},
                                    {"digest", dataset_json_digest('a').str()},
                                    {"versions", 2},
                                    {"files", 3},
                                    {"size", 4500},
                                    {"created", "2026-01-02T03:04:05Z"}});
    CHECK(to_json(std::vector<DatasetSummary>{}) == nlohmann::json::array());
}

TEST_CASE("dataset json: show of a dataset has its files and profiles", "[data][dataset_json]") {
    testing::TempDir dir;
    auto store = store::Store::init(dir / ".mlci");
    REQUIRE(store);
    fs::create_directories(dir / "data/iris");
    std::ofstream(dir / "data/iris/train.csv") << "a,b\n1,x\n2,y\n3,x\n";
    std::ofstream(dir / "data/iris/README") << "notes\n";
    AddOptions o;
    o.paths = {"data/iris"};
    o.cwd = dir.path();
    auto added = add_dataset(*store, o, {});
    REQUIRE(added);
    auto entry = store::IndexEntry{added->manifest, added->reference};

    auto j = show_json(*store, entry);
    REQUIRE(j);
    CHECK(j->size() == 7);
    auto base = store::artifact_json(*store, entry);
    REQUIRE(base);
    for (auto key : {"reference", "digest", "kind", "manifest", "config"})
        CHECK((*j)[key] == (*base)[key]);
    CHECK((*j)["reference"] == "iris:v1");
    CHECK((*j)["kind"] == "dataset");

    auto& files = (*j)["files"];
    REQUIRE(files.size() == 2);
    CHECK(files[0]["root"] == "data/iris");
    CHECK(files[0]["path"] == "iris/README");
    CHECK(files[0]["size"] == 6);
    CHECK(files[0]["mode"].is_number_unsigned());
    CHECK(files[0]["digest"].get<std::string>().starts_with("sha256:"));
    CHECK(files[1]["path"] == "iris/train.csv");
    CHECK(files[1]["size"] == 16);

    auto& profiles = (*j)["profiles"];
    REQUIRE(profiles.size() == 1);
    REQUIRE(profiles.contains("data/iris/train.csv"));
    auto& profile = profiles["data/iris/train.csv"];
    CHECK(profile["rows"] == 3);
    REQUIRE(profile["columns"].size() == 2);
    CHECK(profile["columns"][0]["name"] == "a");

    auto dataset = load_dataset(*store, entry);
    REQUIRE(dataset);
    REQUIRE(dataset->profiles.size() == 1);
    auto read = read_profile_json(*store, dataset->profiles[0]);
    REQUIRE(read);
    CHECK(*read == profile);
    auto listed = files_json(*store, *dataset);
    REQUIRE(listed);
    CHECK(*listed == files);
}

TEST_CASE("dataset json: show of another kind has no files", "[data][dataset_json]") {
    testing::TempDir dir;
    auto store = store::Store::init(dir / ".mlci");
    REQUIRE(store);
    store::Manifest m;
    m.artifact_type = "application/vnd.test.v1";
    m.config = *store->put_blob("{}", "application/vnd.test.config+json");
    auto d = store->put_manifest(m);
    REQUIRE(d);
    auto j = show_json(*store, store::IndexEntry{*d, "t:v1"});
    REQUIRE(j);
    CHECK(j->size() == 5);
    CHECK_FALSE(j->contains("files"));
    CHECK_FALSE(j->contains("profiles"));
    CHECK((*j)["config"] == nlohmann::json::object());
}
