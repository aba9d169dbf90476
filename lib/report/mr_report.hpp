// The merge-request report of `mlci report`: what a reviewer needs about one
// run (like CML's comment), gathered from the store once and then written as
// Markdown, a self-contained HTML page, or JSON. Plots are SVG (svg_chart.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <mlci/core/error.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/lineage/lineage.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::report {

// The annotation `mlci train --grid` gives each member of a sweep. Runs
// recorded without it are grouped by name, commit, inputs and param keys.
inline constexpr const char* k_ann_sweep = train::k_ann_sweep;

struct ArtifactRef {
    std::string reference; // NAME:vN or a tag, else the digest
    std::string digest;    // "sha256:..."
};

struct CriterionRow {
    std::string criterion; // "accuracy", "status", "accuracy vs baseline"
    std::string expected;  // ">= 0.9"
    std::string measured;  // "0.955556", "missing"
    bool passed = false;
};

struct ValidationSummary {
    ArtifactRef artifact;
    std::string verdict; // "passed" or "failed"
    std::string created;
    std::vector<CriterionRow> criteria;
    bool passed() const { return verdict == "passed"; }
};

struct MetricRow {
    std::string name;
    std::optional<double> value, baseline; // empty when that run lacks it
};

// Which way a metric moved from the baseline: ▲ up, ▼ down, = unchanged.
enum class Trend { up, down, same, unknown };
Trend trend_of(const MetricRow& row);
// "▲ +0.02", "▼ -0.013", "= 0", or "" when either side is missing.
std::string delta_text(const MetricRow& row);

struct ParamRow {
    std::string name;
    std::optional<std::string> value, baseline; // as people read them
    bool changed() const { return value != baseline; }
};

struct FileDelta {
    std::string path;
    std::string change; // "added", "removed", "changed"
    uint64_t old_size = 0, new_size = 0;
};

struct ColumnPsi {
    std::string file; // the CSV, relative to the project
    std::string column;
    double psi = 0;
    double max_psi = 0;   // the limit it was held to
    bool drifted = false; // stats::drift_verdict's decision
};

struct DatasetRow {
    std::string name; // the run's input name
    ArtifactRef version;
    std::optional<ArtifactRef> baseline;         // the baseline run's input of the same name
    bool unchanged = false;                      // same digest as the baseline's
    std::vector<FileDelta> files;                // what changed from the baseline's version
    std::optional<uint64_t> rows, baseline_rows; // summed over the profiled CSV files
    std::vector<ColumnPsi> drift;                // per column, when both versions have a profile
};

struct SweepPoint {
    std::string run;   // NAME:vN
    std::string label; // the params that vary in the sweep: "max_depth=2"
    std::optional<double> value;
    bool current = false; // the run the report is about
};

struct SweepSummary {
    std::string metric;
    std::string grouped_by; // "annotation" or "name, commit and inputs"
    std::vector<SweepPoint> points;
};

struct MrReport {
    ArtifactRef run;
    std::string name, status, created;
    std::string commit, branch;
    bool dirty = false;
    std::optional<ValidationSummary> validation;
    std::optional<ArtifactRef> baseline;
    std::string baseline_source; // "validation", "--baseline production"
    std::vector<MetricRow> metrics;
    std::vector<ParamRow> params;
    std::vector<DatasetRow> datasets;
    lineage::Graph lineage;
    std::optional<SweepSummary> sweep;
};

struct ReportOptions {
    // The baseline run to compare with; empty: the validation's baseline.
    std::optional<store::IndexEntry> baseline;
    std::string baseline_source;
    // The metric the sweep chart plots; empty: the first criterion's, else
    // accuracy, else the first metric by name.
    std::string metric;
    // The PSI limit of each dataset (mlci.yaml's datasets.NAME.max_drift), by
    // dataset name; stats::k_default_max_drift for the others, as in `test`.
    std::map<std::string, double> max_drift;
};

// Gathers the report for the run `run_entry` names (a run artifact).
Result<MrReport> collect_report(const store::Store& store, const store::IndexEntry& run_entry,
                                const ReportOptions& options);

// The report as one JSON document (the facts the pages show), with "files":
// `files`, what the command wrote (the page first, then its plots).
nlohmann::json to_json(const MrReport& r, const std::vector<std::string>& files);

// ---- Writers (mr_markdown.cpp, mr_html.cpp) ----------------------------------

// Where the plots of a page are: a relative path for Markdown links, or the
// SVG text itself for HTML; empty when there is no such plot.
struct Plots {
    std::string sweep_svg, drift_svg;   // SVG documents (chart_svg)
    std::string sweep_link, drift_link; // Markdown: paths to link
    std::string skipped_note;           // why plots are not linked
};

// The SVG charts of the report: sweep (metric per run) and drift (PSI per column).
Plots make_plots(const MrReport& r);

// Markdown for a merge-request comment; links the plots in `plots`.
std::string report_markdown(const MrReport& r, const Plots& plots);

// One HTML page with nothing external: inline CSS, the plots and a drawing
// of the lineage inline as SVG, the Mermaid source in a <pre>.
std::string report_html(const MrReport& r, const Plots& plots);

// The lineage as a Mermaid flowchart (the body of a ```mermaid block).
std::string lineage_mermaid(const lineage::Graph& g);

// "sha256:" and 12 hex digits for a digest; other references unchanged.
std::string short_reference(const std::string& reference);

// The lineage drawn as layered boxes and arrows, sources on the left.
std::string lineage_svg(const lineage::Graph& g);

// Text safe in HTML character data and in double- or single-quoted attributes.
std::string html_escape(std::string_view text);

} // namespace mlci::report
