#include <algorithm>
#include <mlci/store/media_types.hpp>
#include <mlci/train/history.hpp>
#include <set>

namespace mlci::train {

Result<Run> load_run_named(const store::Store& store, const store::IndexEntry& entry) {
    if (!parse_version_tag(entry.tag)) {
        MLCI_TRY_ASSIGN(entries, store.entries());
        if (auto better = best_entry(entries, entry.descriptor.digest))
            return load_run(store, *better);
    }
    return load_run(store, entry);
}

Result<std::vector<Run>> list_runs(const store::Store& store, const std::string& name) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::vector<Run> runs;
    std::set<hash::Digest> seen;
    for (auto& e : entries) {
        if (e.descriptor.artifact_type != store::k_type_run)
            continue;
        if (!seen.insert(e.descriptor.digest).second)
            continue;
        auto entry = best_entry(entries, e.descriptor.digest).value_or(e);
        if (!name.empty()) {
            auto v = parse_version_tag(entry.tag);
            if (!v || v->first != name)
                continue;
        }
        MLCI_TRY_ASSIGN(run, load_run(store, entry));
        runs.push_back(std::move(run));
    }
    auto version = [](const Run& r) {
        auto v = parse_version_tag(r.entry.tag);
        return v ? v->second : 0;
    };
    std::stable_sort(runs.begin(), runs.end(), [&](const Run& a, const Run& b) {
        if (a.record.ended != b.record.ended)
            return a.record.ended > b.record.ended;
        return version(a) > version(b);
    });
    return runs;
}

Result<std::optional<Run>> previous_run(const store::Store& store, const Run& run) {
    auto own = parse_version_tag(run.entry.tag);
    if (!own)
        return std::optional<Run>{};
    MLCI_TRY_ASSIGN(entries, store.entries());
    const store::IndexEntry* best = nullptr;
    long best_n = 0;
    for (auto& e : entries) {
        auto v = parse_version_tag(e.tag);
        if (v && v->first == own->first && v->second < own->second && v->second > best_n) {
            best = &e;
            best_n = v->second;
        }
    }
    if (!best)
        return std::optional<Run>{};
    MLCI_TRY_ASSIGN(prev, load_run(store, *best));
    return std::optional<Run>(std::move(prev));
}

std::vector<ParamChange> diff_params(const nlohmann::json& old_params,
                                     const nlohmann::json& new_params) {
    std::map<std::string, ParamChange> all;
    for (auto& [k, v] : flatten_params(old_params))
        all[k].old_value = v;
    for (auto& [k, v] : flatten_params(new_params))
        all[k].new_value = v;
    std::vector<ParamChange> out;
    for (auto& [k, c] : all) {
        c.name = k;
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace mlci::train
