// Gathers the facts of `mlci report` from the store: the run, its latest
// validation, the baseline, data changes, lineage and the sweep.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/core/json.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/report/mr_report.hpp>
#include <mlci/stats/drift.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/test/dataset_check.hpp>
#include <mlci/train/history.hpp>
#include <mlci/validate/validation.hpp>
#include <set>
#include <sstream>

namespace mlci::report {

namespace {

ArtifactRef ref_of(const store::IndexEntry& e) {
    return {store::display_name(e), e.descriptor.digest.str()};
}

std::string value_text(const nlohmann::json& j) {
    if (j.is_number())
        return human_number(j.get<double>());
    if (j.is_null())
        return "missing";
    return j.is_string() ? j.get<std::string>() : j.dump();
}

// The criteria table of a stored validation record (validate::to_json's shape).
std::vector<CriterionRow> criteria_rows(const nlohmann::json& rec) {
    std::vector<CriterionRow> rows;
    if (auto s = rec.find("status"); s != rec.end() && s->is_object())
        rows.push_back({"status", "succeeded", value_text(s->value("measured", nlohmann::json())),
                        s->value("passed", false)});
    if (auto c = rec.find("criteria"); c != rec.end() && c->is_array())
        for (auto& x : *c) {
            if (!x.is_object())
                continue;
            rows.push_back({validate::json_string(x, "metric"),
                            validate::json_string(x, "op") + " " +
                                value_text(x.value("expected", nlohmann::json())),
                            value_text(x.value("measured", nlohmann::json())),
                            x.value("passed", false)});
        }
    if (auto r = rec.find("regressions"); r != rec.end() && r->is_array())
        for (auto& x : *r) {
            if (!x.is_object())
                continue;
            bool higher = validate::json_string(x, "direction") != "lower";
            auto b = x.value("baseline", nlohmann::json());
            auto allowed = x.value("allowed", nlohmann::json(0.0));
            std::string bound = "-";
            if (b.is_number() && allowed.is_number())
                bound = human_number(higher ? b.get<double>() - allowed.get<double>()
                                            : b.get<double>() + allowed.get<double>());
            rows.push_back({validate::json_string(x, "metric") + " vs baseline",
                            std::string(higher ? ">= " : "<= ") + bound,
                            value_text(x.value("measured", nlohmann::json())),
                            x.value("passed", false)});
        }
    return rows;
}

Result<std::optional<data::TableProfile>> read_profile(const store::Store& store,
                                                       const store::Descriptor& blob) {
    MLCI_TRY_ASSIGN(text, store.read_blob(blob.digest));
    auto j = parse_json(text, "profile");
    if (!j)
        return std::optional<data::TableProfile>();
    auto p = data::profile_from_json(*j);
    if (!p)
        return std::optional<data::TableProfile>();
    return std::optional<data::TableProfile>(std::move(*p));
}

std::string root_prefix(const std::string& root) {
    auto parent = std::filesystem::path(root).parent_path().generic_string();
    return parent.empty() ? std::string() : parent + "/";
}

Result<data::Dataset> load_dataset_digest(const store::Store& store, const hash::Digest& d) {
    std::istringstream none;
    MLCI_TRY_ASSIGN(entry, store::resolve(store, d.str(), none));
    MLCI_TRY_ASSIGN(entries, store.entries());
    if (auto better = train::best_entry(entries, d))
        entry = *better;
    return data::load_dataset(store, entry);
}

Result<DatasetRow> dataset_row(const store::Store& store, const train::InputRecord& in,
                               const train::InputRecord* base, const ReportOptions& options) {
    DatasetRow row;
    row.name = in.name;
    MLCI_TRY_ASSIGN(now, load_dataset_digest(store, in.digest));
    row.version = ref_of(now.entry);
    // The limit `mlci test` holds this dataset to: by its input name, else
    // by the dataset's own name (NAME of NAME:vN).
    double max_psi = stats::k_default_max_drift;
    auto dataset_name = row.version.reference.substr(0, row.version.reference.find(':'));
    for (auto& key : {in.name, dataset_name})
        if (auto it = options.max_drift.find(key); it != options.max_drift.end()) {
            max_psi = it->second;
            break;
        }
    std::map<std::string, data::TableProfile> now_profiles, base_profiles;
    for (auto& p : now.profiles) {
        MLCI_TRY_ASSIGN(prof, read_profile(store, p.blob));
        if (prof) {
            row.rows = row.rows.value_or(0) + prof->rows;
            now_profiles.emplace(p.path, std::move(*prof));
        }
    }
    if (!base)
        return row;
    MLCI_TRY_ASSIGN(old, load_dataset_digest(store, base->digest));
    row.baseline = ref_of(old.entry);
    row.unchanged = in.digest == base->digest;
    for (auto& p : old.profiles) {
        MLCI_TRY_ASSIGN(prof, read_profile(store, p.blob));
        if (prof) {
            row.baseline_rows = row.baseline_rows.value_or(0) + prof->rows;
            base_profiles.emplace(p.path, std::move(*prof));
        }
    }
    // Files: root by root; a root only one side has is all added or removed.
    std::set<std::string> roots;
    for (auto& r : now.roots)
        roots.insert(r.path);
    for (auto& r : old.roots)
        roots.insert(r.path);
    for (auto& path : roots) {
        std::vector<store::FileEntry> from, to;
        for (auto& r : old.roots)
            if (r.path == path) {
                MLCI_TRY_ASSIGN(files, data::load_files(store, r.file_list));
                from = std::move(files);
            }
        for (auto& r : now.roots)
            if (r.path == path) {
                MLCI_TRY_ASSIGN(files, data::load_files(store, r.file_list));
                to = std::move(files);
            }
        std::vector<store::FileEntry> c1, c2;
        auto changes = data::compare_file_lists(data::sorted_by_path(from, c1),
                                                data::sorted_by_path(to, c2), root_prefix(path));
        for (auto& c : changes)
            row.files.push_back({c.path,
                                 c.change == data::Change::added     ? "added"
                                 : c.change == data::Change::deleted ? "removed"
                                                                     : "changed",
                                 c.old_size, c.new_size});
    }
    // Drift: the very check `mlci test` runs (the version's tables read from
    // the store against the baseline's profiles), so that the report can
    // never flag a column that `test` passes, or the reverse.
    if (!row.unchanged && !base_profiles.empty()) {
        test::DatasetCheckSpec spec;
        spec.label = row.version.reference;
        spec.entry = now.entry;
        spec.reference = old.entry;
        spec.max_drift = max_psi;
        MLCI_TRY_ASSIGN(checked, test::check_dataset(store, spec));
        for (auto& f : checked.files)
            for (auto& c : f.checks)
                if (c.check == "drift" && c.stats.is_object() && c.stats.contains("psi") &&
                    c.stats["psi"].is_number())
                    row.drift.push_back(
                        {f.path, c.column, c.stats["psi"].get<double>(), max_psi, c.failed()});
    }
    return row;
}

std::string sorted_inputs(const train::RunRecord& r) {
    std::vector<std::string> d;
    d.reserve(r.inputs.size());
    for (auto& i : r.inputs)
        d.push_back(i.digest.str());
    std::sort(d.begin(), d.end());
    std::string out;
    for (auto& x : d)
        out += x + ",";
    return out;
}

std::string annotation(const store::Manifest& m, const char* key) {
    auto it = m.annotations.find(key);
    return it == m.annotations.end() ? std::string() : it->second;
}

std::set<std::string> param_keys(const train::RunRecord& r) {
    std::set<std::string> k;
    for (auto& [key, v] : train::flatten_params(r.params))
        k.insert(key);
    return k;
}

// The runs of the sweep `run` belongs to: those with the same sweep
// annotation, else those of its name at the same commit, on the same inputs
// and with the same param names, when their params differ.
Result<std::optional<SweepSummary>> find_sweep(const store::Store& store, const train::Run& run,
                                               const std::string& metric) {
    MLCI_TRY_ASSIGN(all, train::list_runs(store, run.record.name));
    auto sweep_id = annotation(run.manifest, k_ann_sweep);
    auto commit = [](const train::RunRecord& r) {
        return r.code ? r.code->commit + (r.code->dirty ? "+" + r.code->diff_digest : "") : "";
    };
    std::vector<const train::Run*> members;
    for (auto& r : all) {
        bool same = !sweep_id.empty() ? annotation(r.manifest, k_ann_sweep) == sweep_id
                                      : commit(r.record) == commit(run.record) &&
                                            sorted_inputs(r.record) == sorted_inputs(run.record) &&
                                            param_keys(r.record) == param_keys(run.record);
        if (same)
            members.push_back(&r);
    }
    std::map<std::string, std::set<std::string>> values;
    for (auto* m : members)
        for (auto& [k, v] : train::flatten_params(m->record.params))
            values[k].insert(v.dump());
    std::vector<std::string> varying;
    for (auto& [k, v] : values)
        if (v.size() > 1)
            varying.push_back(k);
    if (members.size() < 2 || varying.empty())
        return std::optional<SweepSummary>();
    // Oldest first, one point per param combination (the newest run of it).
    std::reverse(members.begin(), members.end());
    SweepSummary s{metric, sweep_id.empty() ? "name, commit and inputs" : "annotation", {}};
    std::map<std::string, size_t> seen;
    for (auto* m : members) {
        auto flat = train::flatten_params(m->record.params);
        std::string label;
        for (auto& k : varying)
            if (auto it = flat.find(k); it != flat.end())
                label += (label.empty() ? "" : " ") + k + "=" + train::format_value(it->second);
        SweepPoint p{m->reference(), label, std::nullopt,
                     m->entry.descriptor.digest == run.entry.descriptor.digest};
        if (auto it = m->record.metrics.find(metric); it != m->record.metrics.end())
            p.value = it->second;
        if (auto it = seen.find(label); it != seen.end()) {
            p.current = p.current || s.points[it->second].current;
            s.points[it->second] = std::move(p);
        } else {
            seen.emplace(label, s.points.size());
            s.points.push_back(std::move(p));
        }
    }
    return std::optional<SweepSummary>(std::move(s));
}

} // namespace

Trend trend_of(const MetricRow& row) {
    if (!row.value || !row.baseline)
        return Trend::unknown;
    double d = *row.value - *row.baseline;
    if (d == 0 || std::abs(d) <= 1e-12 * std::max(1.0, std::abs(*row.baseline)))
        return Trend::same;
    return d > 0 ? Trend::up : Trend::down;
}

std::string delta_text(const MetricRow& row) {
    switch (trend_of(row)) {
    case Trend::up:
        return "\xE2\x96\xB2 " + human_change(*row.value - *row.baseline);
    case Trend::down:
        return "\xE2\x96\xBC " + human_change(*row.value - *row.baseline);
    case Trend::same:
        return "= 0";
    case Trend::unknown:
        break;
    }
    return "";
}

Result<MrReport> collect_report(const store::Store& store, const store::IndexEntry& run_entry,
                                const ReportOptions& options) {
    MLCI_TRY_ASSIGN(run, train::load_run_named(store, run_entry));
    MrReport r;
    r.run = ref_of(run.entry);
    r.name = run.record.name;
    r.status = std::string(train::to_string(run.record.status));
    r.created = run.record.ended;
    if (run.record.code) {
        r.commit = run.record.code->commit;
        r.branch = run.record.code->branch;
        r.dirty = run.record.code->dirty;
    }

    MLCI_TRY_ASSIGN(validation, validate::latest_validation(store, run.entry.descriptor.digest));
    std::optional<store::IndexEntry> baseline_entry = options.baseline;
    r.baseline_source = options.baseline_source;
    std::string first_criterion;
    if (validation) {
        ValidationSummary v{
            ref_of(validation->entry), validation->verdict, validation->created, {}};
        MLCI_TRY_ASSIGN(text, store.read_blob(validation->manifest.config.digest));
        if (auto parsed = parse_json_object(text, "validation record")) {
            auto& rec = *parsed;
            v.criteria = criteria_rows(rec);
            if (auto c = rec.find("criteria"); c != rec.end() && c->is_array() && !c->empty())
                first_criterion = validate::json_string(c->front(), "metric");
        }
        r.validation = std::move(v);
        auto b = annotation(validation->manifest,
                            (std::string(store::k_ann_lineage_prefix) + "baseline").c_str());
        if (!baseline_entry && !b.empty()) {
            std::istringstream none;
            if (auto e = store::resolve(store, b, none)) {
                baseline_entry = *e;
                r.baseline_source = "the baseline of validation " +
                                    short_reference(r.validation->artifact.reference);
            }
        }
    }
    std::optional<train::Run> base;
    if (baseline_entry) {
        MLCI_TRY_ASSIGN(b, train::load_run_named(store, *baseline_entry));
        r.baseline = ref_of(b.entry);
        base = std::move(b);
    }

    auto changes =
        train::diff_metrics(base ? base->record.metrics : train::Metrics{}, run.record.metrics);
    for (auto& c : changes)
        if (c.new_value || base)
            r.metrics.push_back({c.name, c.new_value, c.old_value});
    auto params = train::diff_params(base ? base->record.params : nlohmann::json::object(),
                                     run.record.params);
    auto text = [](const std::optional<nlohmann::json>& v) {
        return v ? std::optional<std::string>(train::format_value(*v)) : std::nullopt;
    };
    for (auto& p : params)
        r.params.push_back({p.name, text(p.new_value), base ? text(p.old_value) : std::nullopt});

    for (auto& in : run.record.inputs) {
        const train::InputRecord* match = nullptr;
        if (base) {
            for (auto& b : base->record.inputs)
                if (b.name == in.name)
                    match = &b;
            if (!match && base->record.inputs.size() == 1 && run.record.inputs.size() == 1)
                match = &base->record.inputs.front();
        }
        MLCI_TRY_ASSIGN(row, dataset_row(store, in, match, options));
        r.datasets.push_back(std::move(row));
    }

    MLCI_TRY_ASSIGN(graph, lineage::build_graph(store, run.entry));
    r.lineage = std::move(graph);

    auto metric = options.metric;
    // A sweep chose its best run by a metric (--select): chart that one.
    if (auto select = annotation(run.manifest, train::k_ann_sweep_select);
        metric.empty() && !select.empty())
        metric = select.substr(0, select.rfind(':') == std::string::npos ? select.size()
                                                                         : select.rfind(':'));
    if (metric.empty())
        metric = !first_criterion.empty() ? first_criterion
                 : run.record.metrics.contains("accuracy")
                     ? "accuracy"
                     : (run.record.metrics.empty() ? "" : run.record.metrics.begin()->first);
    if (!metric.empty()) {
        MLCI_TRY_ASSIGN(sweep, find_sweep(store, run, metric));
        r.sweep = std::move(sweep);
    }
    return r;
}

} // namespace mlci::report
