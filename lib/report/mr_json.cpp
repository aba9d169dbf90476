// `mlci --json report`: the facts of the page as one document.
#include <mlci/report/mr_report.hpp>

namespace mlci::report {

nlohmann::json to_json(const MrReport& r, const std::vector<std::string>& files) {
    auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    auto ref = [](const ArtifactRef& a) {
        return nlohmann::json{{"reference", a.reference}, {"digest", a.digest}};
    };
    nlohmann::json j{{"run",
                      {{"reference", r.run.reference},
                       {"digest", r.run.digest},
                       {"name", r.name},
                       {"status", r.status},
                       {"ended", r.created},
                       {"commit", r.commit},
                       {"branch", r.branch},
                       {"dirty", r.dirty}}}};
    if (r.validation) {
        nlohmann::json c = nlohmann::json::array();
        for (auto& row : r.validation->criteria)
            c.push_back({{"criterion", row.criterion},
                         {"expected", row.expected},
                         {"measured", row.measured},
                         {"passed", row.passed}});
        j["validation"] = ref(r.validation->artifact);
        j["validation"]["verdict"] = r.validation->verdict;
        j["validation"]["created"] = r.validation->created;
        j["validation"]["criteria"] = c;
    } else {
        j["validation"] = nullptr;
    }
    j["verdict"] = r.validation ? r.validation->verdict : "not validated";
    j["baseline"] = r.baseline ? ref(*r.baseline) : nlohmann::json(nullptr);
    if (r.baseline)
        j["baseline"]["source"] = r.baseline_source;
    j["metrics"] = nlohmann::json::array();
    for (auto& m : r.metrics) {
        auto t = trend_of(m);
        j["metrics"].push_back(
            {{"metric", m.name},
             {"value", opt(m.value)},
             {"baseline", opt(m.baseline)},
             {"change", m.value && m.baseline ? nlohmann::json(*m.value - *m.baseline)
                                              : nlohmann::json(nullptr)},
             // null when either side is missing (a json from a null char* throws)
             {"trend", t == Trend::unknown ? nlohmann::json(nullptr)
                       : t == Trend::up    ? nlohmann::json("up")
                       : t == Trend::down  ? nlohmann::json("down")
                                           : nlohmann::json("same")}});
    }
    j["params"] = nlohmann::json::array();
    for (auto& p : r.params)
        j["params"].push_back({{"param", p.name},
                               {"value", opt(p.value)},
                               {"baseline", opt(p.baseline)},
                               {"changed", p.changed()}});
    j["datasets"] = nlohmann::json::array();
    for (auto& d : r.datasets) {
        nlohmann::json files = nlohmann::json::array(), drift = nlohmann::json::array();
        for (auto& f : d.files)
            files.push_back({{"path", f.path},
                             {"change", f.change},
                             {"old_size", f.old_size},
                             {"new_size", f.new_size}});
        for (auto& c : d.drift)
            drift.push_back({{"file", c.file},
                             {"column", c.column},
                             {"psi", c.psi},
                             {"max_psi", c.max_psi},
                             {"drifted", c.drifted}});
        j["datasets"].push_back({{"name", d.name},
                                 {"version", ref(d.version)},
                                 {"baseline", d.baseline ? ref(*d.baseline) : nullptr},
                                 {"unchanged", d.unchanged},
                                 {"rows", opt(d.rows)},
                                 {"baseline_rows", opt(d.baseline_rows)},
                                 {"files", files},
                                 {"drift", drift}});
    }
    j["lineage"] = lineage::to_json(r.lineage);
    if (r.sweep) {
        nlohmann::json points = nlohmann::json::array();
        for (auto& p : r.sweep->points)
            points.push_back({{"run", p.run},
                              {"label", p.label},
                              {"value", opt(p.value)},
                              {"current", p.current}});
        j["sweep"] = {
            {"metric", r.sweep->metric}, {"grouped_by", r.sweep->grouped_by}, {"runs", points}};
    } else {
        j["sweep"] = nullptr;
    }
    j["files"] = files;
    return j;
}

} // namespace mlci::report
