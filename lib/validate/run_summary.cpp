#include <charconv>
#include <cmath>
#include <deque>
#include <mlci/core/json.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/train/metrics.hpp>
#include <mlci/validate/run_summary.hpp>
#include <sstream>
#include <unordered_set>

namespace mlci::validate {

namespace {

std::optional<double> number(std::string_view s) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string annotation(const store::Manifest& m, const std::string& key) {
    auto it = m.annotations.find(key);
    return it == m.annotations.end() ? std::string() : it->second;
}

} // namespace

std::string json_string(const nlohmann::json& j, const char* key) {
    if (!j.is_object())
        return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string RunSummary::reference() const {
    return store::display_name(entry);
}

Result<RunSummary> load_run_summary(const store::Store& store, const store::IndexEntry& entry) {
    RunSummary run;
    run.entry = entry;
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    if (m.artifact_type != store::k_type_run)
        return usage_error("'{}' is not a run (it is {}; give a reference that 'mlci train' "
                           "printed, or see 'mlci log')",
                           store::display_name(entry),
                           m.artifact_type.empty() ? "an image" : m.artifact_type);
    run.manifest = std::move(m);
    MLCI_TRY_ASSIGN(config, store.read_blob(run.manifest.config.digest));
    MLCI_TRY_ASSIGN(record, parse_json_object(config, fmt::format("run record '{}' of run '{}'",
                                                                  run.manifest.config.digest.str(),
                                                                  store::display_name(entry))));
    run.record = std::move(record);
    run.name = json_string(run.record, "name");
    if (run.name.empty())
        run.name = annotation(run.manifest, store::k_ann_name);
    run.status = json_string(run.record, "status");
    if (run.status.empty())
        run.status = annotation(run.manifest, train::k_ann_status);
    if (auto it = run.record.find("metrics"); it != run.record.end())
        run.metrics = train::flatten_metrics(*it);
    // The annotations carry the same numbers; they fill in what a record
    // written by another tool may lack.
    for (auto& [key, value] : run.manifest.annotations)
        if (key.starts_with(train::k_ann_metric_prefix)) {
            auto name = key.substr(std::string_view(train::k_ann_metric_prefix).size());
            if (auto v = number(value); v && !run.metrics.contains(name))
                run.metrics[name] = *v;
        }
    return run;
}

Result<store::IndexEntry> run_behind(const store::Store& store, const store::IndexEntry& entry) {
    struct Item {
        store::IndexEntry entry;
        int depth;
    };
    std::deque<Item> queue{{entry, 0}};
    std::unordered_set<hash::Digest> seen;
    std::istringstream no_input;
    std::string first_kind;
    while (!queue.empty()) {
        auto [e, depth] = std::move(queue.front());
        queue.pop_front();
        if (!seen.insert(e.descriptor.digest).second)
            continue;
        auto m = store.read_manifest(e.descriptor.digest);
        if (!m)
            continue; // a lineage target that is not here (pulled without it)
        if (first_kind.empty())
            first_kind = m->artifact_type.empty() ? "an image" : m->artifact_type;
        if (m->artifact_type == store::k_type_run)
            return e;
        if (depth >= 3)
            continue;
        std::vector<hash::Digest> next;
        if (m->subject)
            next.push_back(m->subject->digest);
        for (auto& d : store::lineage_digests(m->annotations))
            next.push_back(d);
        for (auto& d : next)
            if (store.has_blob(d))
                if (auto r = store::resolve(store, d.str(), no_input))
                    queue.push_back({*r, depth + 1});
    }
    return usage_error("'{}' is not a run and leads to none (it is {})", store::display_name(entry),
                       first_kind);
}

} // namespace mlci::validate
