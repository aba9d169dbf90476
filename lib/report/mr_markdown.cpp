// `mlci report` as Markdown, its plots, and the lineage as Mermaid.
#include <fmt/format.h>
#include <map>
#include <mlci/core/format.hpp>
#include <mlci/core/text.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/report/markdown.hpp>
#include <mlci/report/mr_report.hpp>
#include <mlci/report/svg_chart.hpp>
#include <mlci/stats/drift.hpp>

namespace mlci::report {

namespace {

std::string md(std::string_view s) {
    return markdown_escape(s);
}

std::string verdict_line(const MrReport& r) {
    if (!r.validation)
        return "**Verdict:** ⚪ not validated (run `mlci validate` on this run)";
    return fmt::format("**Verdict:** {} by validation {}",
                       r.validation->passed() ? "✅ **passed**" : "❌ **failed**",
                       markdown_code(short_reference(r.validation->artifact.reference)));
}

// Mermaid node labels sit between double quotes; its entity codes keep
// quotes and markup from ending them.
std::string mermaid_text(std::string_view s) {
    std::string out;
    for (char c : junit::clean_text(s)) {
        switch (c) {
        case '"':
            out += "#quot;";
            break;
        case '<':
            out += "#lt;";
            break;
        case '>':
            out += "#gt;";
            break;
        case '&':
            out += "#amp;";
            break;
        case '#':
            out += "#35;";
            break;
        case '`':
            out += "#96;";
            break;
        case '\n':
        case '\r':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

std::string short_reference(const std::string& reference) {
    return reference.starts_with("sha256:") && reference.size() > 19 ? reference.substr(0, 19)
                                                                     : reference;
}

std::string lineage_mermaid(const lineage::Graph& g) {
    std::map<std::string, std::string> ids;
    std::string out = "flowchart LR\n";
    for (auto& [id, n] : g.nodes) {
        auto key = fmt::format("n{}", ids.size());
        ids[id] = key;
        std::string label = n.kind + "<br/>" + mermaid_text(short_reference(n.reference));
        if (!n.status.empty())
            label += "<br/>" + mermaid_text(n.status);
        if (n.missing)
            label += "<br/>(not in this store)";
        out += fmt::format("  {}[\"{}\"]\n", key, label);
    }
    for (auto& e : g.edges) {
        auto a = ids.find(e.from), b = ids.find(e.to);
        if (a == ids.end() || b == ids.end())
            continue;
        out += fmt::format("  {} -->|{}| {}\n", a->second, mermaid_text(e.relation), b->second);
    }
    if (auto it = ids.find(g.root); it != ids.end())
        out += fmt::format("  style {} stroke-width:3px\n", it->second);
    return out;
}

Plots make_plots(const MrReport& r) {
    Plots p;
    if (r.sweep && !r.sweep->points.empty()) {
        BarChart c{fmt::format("Sweep: {} per run", r.sweep->metric), r.sweep->metric, {}, {}, {}};
        for (auto& pt : r.sweep->points)
            c.bars.push_back(
                {pt.label.empty() ? pt.run : pt.label, pt.value.value_or(0), pt.current});
        p.sweep_svg = chart_svg(c);
    }
    // The limit line: the datasets' own when they share one, else the default.
    double limit = stats::k_default_max_drift;
    for (auto& ds : r.datasets)
        for (auto& col : ds.drift)
            limit = col.max_psi;
    BarChart d{"Drift: PSI per column vs the baseline's data",
               "PSI",
               {},
               limit,
               "drift limit " + human_number(limit)};
    for (auto& ds : r.datasets)
        for (auto& col : ds.drift)
            d.bars.push_back({r.datasets.size() > 1 ? ds.name + "." + col.column : col.column,
                              col.psi, col.drifted});
    if (!d.bars.empty())
        p.drift_svg = chart_svg(d);
    return p;
}

std::string report_markdown(const MrReport& r, const Plots& plots) {
    std::string out;
    out += fmt::format("## mlci report: {} {}\n\n", md(r.name.empty() ? "(unnamed)" : r.name),
                       markdown_code(r.run.reference));
    out += fmt::format("Run {} (`{}`), status **{}**", markdown_code(r.run.reference),
                       r.run.digest.substr(0, 19), md(r.status));
    if (!r.commit.empty())
        out += fmt::format(", commit {}{}{}", markdown_code(r.commit.substr(0, 12)),
                           r.branch.empty() ? "" : " on " + markdown_code(r.branch),
                           r.dirty ? " (with uncommitted changes)" : "");
    out += "\n\n" + verdict_line(r) + "\n";
    if (r.validation && !r.validation->criteria.empty()) {
        out += "\n| criterion | expected | measured | verdict |\n|---|---|---|---|\n";
        for (auto& c : r.validation->criteria)
            out += fmt::format("| {} | {} | {} | {} |\n", md(c.criterion), md(c.expected),
                               md(c.measured), c.passed ? "✅ pass" : "❌ **fail**");
    }

    out += "\n### Metrics\n\n";
    if (r.baseline)
        out += fmt::format("Compared with the baseline {} ({}).\n\n",
                           markdown_code(r.baseline->reference),
                           md(r.baseline_source.empty() ? "--baseline" : r.baseline_source));
    else
        out += "No baseline to compare with (validate with `--baseline`, or pass `--baseline "
               "REF|ENV`).\n\n";
    if (r.metrics.empty())
        out += "The run reports no metrics.\n";
    else {
        out += r.baseline ? "| metric | this run | baseline | change |\n|---|---:|---:|---|\n"
                          : "| metric | this run |\n|---|---:|\n";
        for (auto& m : r.metrics) {
            if (r.baseline)
                out += fmt::format("| {} | {} | {} | {} |\n", md(m.name), human_number(m.value),
                                   human_number(m.baseline), delta_text(m));
            else
                out += fmt::format("| {} | {} |\n", md(m.name), human_number(m.value));
        }
    }

    out += "\n### Params\n\n";
    size_t changed = 0;
    for (auto& p : r.params)
        changed += p.changed();
    if (r.params.empty())
        out += "The run has no params.\n";
    else if (r.baseline && changed == 0)
        out += "Same params as the baseline.\n";
    else {
        out += r.baseline ? "| param | this run | baseline |\n|---|---|---|\n"
                          : "| param | this run |\n|---|---|\n";
        for (auto& p : r.params) {
            if (r.baseline && !p.changed())
                continue;
            if (r.baseline)
                out += fmt::format("| {} | {} | {} |\n", md(p.name), md(p.value.value_or("-")),
                                   md(p.baseline.value_or("-")));
            else
                out += fmt::format("| {} | {} |\n", md(p.name), md(p.value.value_or("-")));
        }
    }

    out += "\n### Data\n\n";
    if (r.datasets.empty())
        out += "The run read no versioned datasets.\n";
    else {
        out += "| input | version | baseline's version | rows | files changed |\n"
               "|---|---|---|---:|---|\n";
        for (auto& d : r.datasets) {
            std::string rows = d.rows ? std::to_string(*d.rows) : "-";
            if (d.baseline_rows && d.rows && *d.baseline_rows != *d.rows)
                rows = fmt::format("{} (baseline {})", *d.rows, *d.baseline_rows);
            std::string files = !d.baseline   ? "-"
                                : d.unchanged ? "unchanged"
                                              : plural(d.files.size(), "file");
            out += fmt::format(
                "| {} | {} | {} | {} | {} |\n", md(d.name), markdown_code(d.version.reference),
                d.baseline ? markdown_code(d.baseline->reference) : "-", rows, files);
        }
        for (auto& d : r.datasets) {
            if (!d.files.empty()) {
                out += fmt::format("\n{} changed from {}:\n\n", markdown_code(d.name),
                                   markdown_code(d.baseline->reference));
                for (auto& f : d.files)
                    out += fmt::format("- {} {} ({} → {} bytes)\n", md(f.change),
                                       markdown_code(f.path), f.old_size, f.new_size);
            }
            if (!d.drift.empty()) {
                out += fmt::format("\nDrift of {} against {} (PSI over the reference's deciles, as "
                                   "`mlci test` measures it; drift above {} unless the sample is "
                                   "too small to tell):\n\n",
                                   markdown_code(d.name), markdown_code(d.baseline->reference),
                                   human_number(d.drift.front().max_psi));
                out += "| column | PSI | |\n|---|---:|---|\n";
                for (auto& c : d.drift)
                    out += fmt::format("| {} | {} | {} |\n", md(c.column), human_number(c.psi),
                                       c.drifted           ? "⚠️ drift"
                                       : c.psi > c.max_psi ? "above the limit, within chance"
                                       : c.psi > 0.1       ? "some change"
                                                           : "stable");
            }
        }
    }
    if (!plots.drift_svg.empty() && !plots.drift_link.empty())
        out += fmt::format("\n![drift: PSI per column]({})\n", plots.drift_link);

    out += "\n### Lineage\n\n```mermaid\n" + lineage_mermaid(r.lineage) + "```\n";

    if (r.sweep) {
        out += fmt::format("\n### Sweep\n\n{} of this sweep (grouped by {}), by {}:\n\n",
                           plural(r.sweep->points.size(), "run"), md(r.sweep->grouped_by),
                           markdown_code(r.sweep->metric));
        out += fmt::format("| run | params | {} |\n|---|---|---:|\n", md(r.sweep->metric));
        for (auto& p : r.sweep->points)
            out += fmt::format(
                "| {}{} | {} | {} |\n", markdown_code(p.run), p.current ? " (this run)" : "",
                p.label.empty() ? "-" : markdown_code(p.label), human_number(p.value));
        if (!plots.sweep_svg.empty() && !plots.sweep_link.empty())
            out +=
                fmt::format("\n![sweep: {} per run]({})\n", md(r.sweep->metric), plots.sweep_link);
    }
    if (!plots.skipped_note.empty() && (!plots.sweep_svg.empty() || !plots.drift_svg.empty()))
        out += "\n_" + md(plots.skipped_note) + "_\n";
    out += "\n<sub>Made by `mlci report`.</sub>\n";
    return out;
}

} // namespace mlci::report
