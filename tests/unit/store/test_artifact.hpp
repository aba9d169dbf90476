// A small artifact for store tests: one layer holding `content`, a config
// that names it (so that two contents give two manifests), stored in `s`.
#pragma once

#include <catch2/catch.hpp>
#include <mlci/store/store.hpp>
#include <string>

namespace mlci::testing {

inline store::Descriptor put_test_artifact(store::Store& s, const std::string& content) {
    auto config = s.put_blob("{\"c\":\"" + content + "\"}", "application/vnd.test.config+json");
    auto layer = s.put_blob(content, "application/octet-stream");
    REQUIRE(config);
    REQUIRE(layer);
    store::Manifest m;
    m.artifact_type = "application/vnd.test.v1";
    m.config = *config;
    m.layers = {*layer};
    auto d = s.put_manifest(m);
    REQUIRE(d);
    return *d;
}

} // namespace mlci::testing
