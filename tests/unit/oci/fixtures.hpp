// Artifacts the package tests start from, made through the store API by the
// contracts of train/record.hpp (a run) and validate/validation.hpp (a verdict).
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <mlci/validate/validation.hpp>
#include <string>

namespace mlci::testing {

struct RunFiles {
    std::map<std::string, std::string> outputs; // path -> content
    std::string name = "iris-classifier";
    std::string id = "20260101T000000Z-abcdef";
    std::string ended = "2026-01-01T00:00:00Z";
    double accuracy = 0.95;
    bool succeeded = true;
};

// Stores a run with these outputs, tagged NAME:vN, and returns its entry.
inline store::IndexEntry make_run(store::Store& s, const RunFiles& f) {
    std::vector<store::FileEntry> files;
    train::RunRecord r;
    r.id = f.id;
    r.name = f.name;
    r.status = f.succeeded ? train::RunStatus::succeeded : train::RunStatus::failed;
    r.ended = f.ended;
    r.started = f.ended;
    r.metrics = {{"accuracy", f.accuracy}};
    r.code = train::CodeRecord{"0123456789abcdef0123456789abcdef01234567", "main", false, "",
                               "https://git.example.invalid/team/iris.git"};
    for (auto& [path, content] : f.outputs) {
        auto d = s.put_blob(content, "application/octet-stream");
        REQUIRE(d);
        files.push_back({path, content.size(), path.ends_with(".sh") ? 0755u : 0644u, d->digest});
        r.outputs.push_back({path, content.size(), d->digest});
    }
    auto list = s.put_blob(store::serialize_file_list(files), store::k_media_file_list);
    REQUIRE(list);
    list->annotations[train::k_ann_title] = train::k_outputs_title;
    auto config = s.put_blob(store::canonical(train::to_json(r)), train::k_media_run_config);
    REQUIRE(config);
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    m.config = *config;
    m.layers = {*list};
    m.annotations = {
        {store::k_ann_kind, "run"},
        {store::k_ann_name, f.name},
        {train::k_ann_status, f.succeeded ? "succeeded" : "failed"},
        {std::string(train::k_ann_metric_prefix) + "accuracy", fmt::format("{}", f.accuracy)}};
    auto d = s.put_manifest(m);
    REQUIRE(d);
    REQUIRE(s.sync());
    auto tag = s.tag_next_version(*d, f.name);
    REQUIRE(tag);
    return {*d, *tag};
}

// Validates the run with "accuracy >= min" through the gate's own code.
inline store::Descriptor validate(store::Store& s, const store::IndexEntry& run, double min) {
    auto g = validate::load_run_summary(s, run);
    REQUIRE(g);
    auto c = validate::parse_criterion(fmt::format("accuracy >= {}", min));
    REQUIRE(c);
    auto v = validate::evaluate(*g, std::nullopt, {*c}, {});
    auto d = validate::store_validation(s, v, {}, {});
    REQUIRE(d);
    return *d;
}

// The bytes of a blob.
inline std::string blob(const store::Store& s, const hash::Digest& d) {
    auto text = s.read_blob(d);
    REQUIRE(text);
    return *text;
}

} // namespace mlci::testing
