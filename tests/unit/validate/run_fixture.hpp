// Run artifacts for tests, written through the store API exactly as the run
// contract says `mlci train` writes them (lib/validate/run_summary.hpp).
#pragma once

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/metrics.hpp>
#include <mlci/validate/run_summary.hpp>
#include <sstream>

namespace mlci::testing {

// A fresh store in a folder of its own.
struct StoreFixture {
    TempDir dir;
    store::Store store = *store::Store::init(dir.path() / ".mlci");
};

inline store::IndexEntry resolve_digest(const store::Store& s, const hash::Digest& d) {
    std::istringstream none;
    auto e = store::resolve(s, d.str(), none);
    REQUIRE(e);
    return *e;
}

// Writes a run artifact: record, metric annotations, index entry (untagged
// unless `tags`). `metrics` may be nested, as metrics.json files are.
inline store::IndexEntry make_run(store::Store& s, const std::string& name,
                                  const std::string& status, const nlohmann::json& metrics,
                                  const std::vector<std::string>& tags = {},
                                  const nlohmann::json& extra = nlohmann::json::object()) {
    auto flat = train::flatten_metrics(metrics);
    nlohmann::json record{{"kind", "run"},        {"id", name + "-" + status},
                          {"name", name},         {"status", status},
                          {"params", {{"n", 1}}}, {"inputs", nlohmann::json::array()},
                          {"metrics", flat}};
    record.update(extra);
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *s.put_blob(store::canonical(record), "application/vnd.mlci.run.config.v1+json");
    m.annotations = {{"dev.mlci.status", status}, {store::k_ann_name, name}};
    for (auto& [k, v] : flat)
        m.annotations["dev.mlci.metric." + k] = fmt::format("{}", v);
    auto desc = *s.put_manifest(m);
    REQUIRE(s.add_to_index(desc, tags));
    auto entries = *s.entries();
    for (auto& e : entries)
        if (e.descriptor.digest == desc.digest && (tags.empty() || e.tag == tags.front()))
            return e;
    FAIL("the run is not in the index");
    return {};
}

} // namespace mlci::testing
