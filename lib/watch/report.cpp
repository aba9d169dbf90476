#include <cmath>
#include <ctime>
#include <mlci/core/clock.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/watch/report.hpp>

namespace mlci::watch {

namespace {

// NaN (no value) is null in JSON.
nlohmann::json number(double x) {
    return std::isnan(x) || std::isinf(x) ? nlohmann::json(nullptr) : nlohmann::json(x);
}

std::string rfc3339(double t) {
    if (std::isnan(t))
        return {};
    auto secs = static_cast<time_t>(std::floor(t));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    int ms = static_cast<int>((t - std::floor(t)) * 1000);
    return fmt::format("{}.{:03d}Z", buf, ms);
}

nlohmann::json feature_json(const FeatureSummary& f) {
    return {{"name", f.name},
            {"numeric", f.numeric},
            {"count", f.count},
            {"missing", f.missing},
            {"missing_rate", number(f.missing_rate)},
            {"psi", number(f.psi)},
            {"ks", number(f.ks)},
            {"chi2", number(f.chi2)},
            {"p_value", number(f.p_value)},
            {"mean", number(f.mean)},
            {"invalid", f.invalid}};
}

} // namespace

std::string report_tag_name(std::string_view name) {
    std::string out = "watch-";
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-');
    }
    return out;
}

nlohmann::json to_json(const WindowResult& window, const Baseline& baseline,
                       const ReportContext& ctx) {
    auto& w = window.summary;
    nlohmann::json features = nlohmann::json::array();
    for (auto& f : w.features)
        features.push_back(feature_json(f));
    nlohmann::json alerts = nlohmann::json::array();
    for (auto& a : window.alerts)
        alerts.push_back({{"rule", a.rule},
                          {"name", a.name},
                          {"value", number(a.value)},
                          {"op", std::string(to_string(a.op))},
                          {"limit", a.limit},
                          {"text", a.text()}});
    const char* task = w.task == Task::classification ? "classification"
                       : w.task == Task::regression   ? "regression"
                                                      : "none";
    return {{"kind", "watch-report"},
            {"name", ctx.name},
            {"created", now_rfc3339()},
            {"source", ctx.source},
            {"window",
             {{"index", w.index},
              {"start", rfc3339(w.start)},
              {"end", rfc3339(w.end)},
              {"events", w.events},
              {"malformed", w.malformed},
              {"kind", ctx.window_kind},
              {"size", ctx.window_size}}},
            {"baseline",
             {{"reference", store::display_name(baseline.artifact)},
              {"digest", baseline.artifact.descriptor.digest.str()},
              {"kind", baseline.kind},
              {"dataset", baseline.dataset.descriptor.digest.str()},
              {"table", baseline.table},
              {"target", baseline.target}}},
            {"features", features},
            {"prediction", w.prediction ? feature_json(*w.prediction) : nlohmann::json(nullptr)},
            {"task", task},
            {"labeled", w.labeled},
            {"accuracy", number(w.accuracy)},
            {"mae", number(w.mae)},
            {"rmse", number(w.rmse)},
            {"missing_rate", number(w.missing_rate)},
            {"rules", ctx.rules},
            {"alerts", alerts},
            {"verdict", window.alerts.empty() ? "passed" : "alert"}};
}

Result<std::pair<store::Descriptor, std::string>> store_report(store::Store& store,
                                                               const nlohmann::json& report,
                                                               const Baseline& baseline,
                                                               const std::string& name) {
    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = store::k_type_watch_report;
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(report), k_media_watch_report));
    m.config = config;
    m.subject = baseline.subject();
    store.freshen(baseline.artifact.descriptor.digest);
    auto lineage = [](const char* r) { return std::string(store::k_ann_lineage_prefix) + r; };
    m.annotations = {{store::k_ann_created, report.value("created", std::string())},
                     {store::k_ann_kind, "watch-report"},
                     {store::k_ann_name, name},
                     {"dev.mlci.verdict", report.value("verdict", std::string())},
                     {lineage("baseline"), baseline.artifact.descriptor.digest.str()}};
    if (baseline.dataset.descriptor.digest != baseline.artifact.descriptor.digest)
        m.annotations[lineage("dataset")] = baseline.dataset.descriptor.digest.str();
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    MLCI_TRY(store.sync());
    MLCI_TRY_ASSIGN(tag, store.tag_next_version(desc, report_tag_name(name)));
    return std::pair{desc, tag};
}

} // namespace mlci::watch
