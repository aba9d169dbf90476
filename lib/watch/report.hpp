// The watch report artifact (ARCHITECTURE.md §1): one window's statistics and
// alerts, whose OCI subject is the baseline artifact (the deployed package
// when the baseline came from one, else the run or dataset):
//
//   manifest  artifactType application/vnd.mlci.watch-report.v1
//     config  application/vnd.mlci.watch-report.v1+json: the report below
//     subject the baseline artifact
//     annotations  dev.mlci.kind=watch-report, dev.mlci.name, dev.mlci.verdict
//             (passed|alert), created, dev.mlci.lineage.baseline,
//             dev.mlci.lineage.dataset
//
//   report {"kind":"watch-report","name","created","source","window":{"index",
//           "start","end","events","malformed","kind":"events"|"seconds","size"},
//           "baseline":{"reference","digest","kind","dataset","table","target"},
//           "features":[{"name","numeric","count","missing","missing_rate","psi",
//           "ks","chi2","p_value","mean","invalid"}],"prediction":{...}|null,
//           "task","labeled","accuracy","mae","rmse","missing_rate",
//           "rules":[...],"alerts":[{"rule","name","value","op","limit","text"}],
//           "verdict"}
#pragma once

#include <mlci/store/store.hpp>
#include <mlci/watch/baseline.hpp>
#include <mlci/watch/watcher.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace mlci::watch {

inline constexpr const char* k_media_watch_report = "application/vnd.mlci.watch-report.v1+json";

struct ReportContext {
    std::string name;        // the watch's name: tags are watch-<name>:vN
    std::string source;      // the events' file, URL or "standard input"
    std::string window_kind; // "events", "seconds" or "all"
    double window_size = 0;
    std::vector<std::string> rules;
};

// The report of one window, as stored in the config blob.
nlohmann::json to_json(const WindowResult& window, const Baseline& baseline,
                       const ReportContext& ctx);

// Stores the report as an artifact tagged watch-<name>:vN (and :latest);
// returns the manifest descriptor and that tag.
Result<std::pair<store::Descriptor, std::string>> store_report(store::Store& store,
                                                               const nlohmann::json& report,
                                                               const Baseline& baseline,
                                                               const std::string& name);

// "watch-<name>" from a free-form name (lowercase, other characters '-').
std::string report_tag_name(std::string_view name);

} // namespace mlci::watch
