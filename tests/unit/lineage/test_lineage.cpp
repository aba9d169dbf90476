#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/lineage/lineage.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <sstream>
#include <utility>

using namespace mlci;
using namespace mlci::store;

namespace {

struct LineageFixture {
    testing::TempDir dir;
    Store store = *Store::init(dir / ".mlci");

    Descriptor put(const std::string& type, const std::string& kind, const nlohmann::json& record,
                   Annotations annotations, std::optional<Descriptor> subject = {}) {
        auto config = store.put_blob(canonical(record), "application/json");
        REQUIRE(config);
        Manifest m;
        m.artifact_type = type;
        m.config = *config;
        annotations[k_ann_kind] = kind;
        m.annotations = annotations;
        m.subject = std::move(subject);
        auto d = store.put_manifest(m);
        REQUIRE(d);
        return *d;
    }
    IndexEntry entry(const std::string& ref) {
        std::istringstream none;
        auto e = resolve(store, ref, none);
        REQUIRE(e);
        return *e;
    }
    const lineage::Edge* edge(const lineage::Graph& g, const Descriptor& from,
                              const Descriptor& to) {
        for (auto& e : g.edges)
            if (e.from == from.digest.str() && e.to == to.digest.str())
                return &e;
        return nullptr;
    }
};

} // namespace

TEST_CASE("lineage: lineage walks from data and code to a run and on to what came of it",
          "[lineage]") {
    LineageFixture f;
    auto commit = std::string(40, 'a');
    auto data = f.put(k_type_dataset, "dataset",
                      {{"kind", "dataset"}, {"git", {{"commit", commit}, {"branch", "main"}}}},
                      {{k_ann_created, "2026-01-01T00:00:00Z"}});
    REQUIRE(f.store.tag_next_version(data, "iris"));
    auto run = f.put(
        k_type_run, "run",
        {{"kind", "run"}, {"code", {{"commit", commit}, {"branch", "main"}, {"dirty", false}}}},
        {{"dev.mlci.lineage.inputs", data.digest.str()}, {"dev.mlci.status", "succeeded"}});
    REQUIRE(f.store.tag_next_version(run, "model"));
    auto validation =
        f.put(k_type_validation, "validation", {{"kind", "validation"}},
              {{"dev.mlci.lineage.run", run.digest.str()}, {"dev.mlci.verdict", "passed"}},
              Descriptor{k_oci_manifest, run.digest, run.size, k_type_run, {}, {}});
    REQUIRE(f.store.add_to_index(validation, {}));
    auto package = f.put(k_type_package, "package", {{"kind", "package"}},
                         {{"dev.mlci.lineage.run", run.digest.str()}});
    REQUIRE(f.store.add_to_index(package, {"model-image:1.0"}));
    // Unrelated artifacts stay out.
    auto other = f.put(k_type_dataset, "dataset", {{"kind", "dataset"}}, {});
    REQUIRE(f.store.tag_next_version(other, "other"));

    auto g = lineage::build_graph(f.store, f.entry("model:v1"));
    REQUIRE(g);
    CHECK(g->root == run.digest.str());
    CHECK(g->nodes.at(run.digest.str()).reference == "model:v1");
    CHECK(g->nodes.at(data.digest.str()).reference == "iris:v1");
    CHECK(g->nodes.at(data.digest.str()).kind == "dataset");
    CHECK(g->nodes.at(package.digest.str()).reference == "model-image:1.0");
    CHECK_FALSE(g->nodes.contains(other.digest.str()));
    REQUIRE(f.edge(*g, data, run));
    CHECK(f.edge(*g, data, run)->relation == "inputs");
    REQUIRE(f.edge(*g, run, validation));
    CHECK(f.edge(*g, run, validation)->relation == "subject,run");
    REQUIRE(f.edge(*g, run, package));
    // One code node: the run and its data came from the same commit.
    REQUIRE(g->nodes.contains("git:" + commit));
    CHECK(g->nodes.at("git:" + commit).kind == "code");

    auto text = lineage::render_text(*g);
    CHECK(text.starts_with("model:v1  (run, succeeded)"));
    CHECK(text.find("from:\n") != std::string::npos);
    CHECK(text.find("iris:v1  (dataset)") != std::string::npos);
    CHECK(text.find("[inputs]") != std::string::npos);
    CHECK(text.find("git aaaaaaaaaaaa  (code, main)") != std::string::npos);
    CHECK(text.find("made from it:\n") != std::string::npos);
    CHECK(text.find("(validation, passed)") != std::string::npos);
    CHECK(text.find("[subject,run]") != std::string::npos);
    CHECK(text.find("model-image:1.0  (package)") != std::string::npos);

    auto j = lineage::to_json(*g);
    CHECK(j["root"] == run.digest.str());
    CHECK(j["nodes"].size() == g->nodes.size());
    CHECK(j["edges"].size() == g->edges.size());

    // From the data, everything made from it, transitively.
    auto down = lineage::build_graph(f.store, f.entry("iris:v1"));
    REQUIRE(down);
    CHECK(down->nodes.contains(run.digest.str()));
    CHECK(down->nodes.contains(validation.digest.str()));
    CHECK(down->nodes.contains(package.digest.str()));
    auto limited = lineage::build_graph(f.store, f.entry("iris:v1"), 1);
    REQUIRE(limited);
    CHECK(limited->nodes.contains(run.digest.str()));
    CHECK_FALSE(limited->nodes.contains(package.digest.str()));
}

TEST_CASE("lineage: lineage names sources that are not in the store", "[lineage]") {
    LineageFixture f;
    auto absent = "sha256:" + std::string(64, '9');
    auto run = f.put(k_type_run, "run", {{"kind", "run"}}, {{"dev.mlci.lineage.inputs", absent}});
    REQUIRE(f.store.tag_next_version(run, "pulled"));
    auto g = lineage::build_graph(f.store, f.entry("pulled:v1"));
    REQUIRE(g);
    REQUIRE(g->nodes.contains(absent));
    CHECK(g->nodes.at(absent).missing);
    CHECK(lineage::render_text(*g).find("not in this store") != std::string::npos);
    auto text = lineage::render_text(*g);
    CHECK(text.find("made from it:\n    (nothing yet)") != std::string::npos);
}
