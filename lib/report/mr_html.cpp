// `mlci report --html`: one page with nothing external, and the lineage
// drawn as SVG (no JavaScript, so Mermaid cannot draw it in the page).
#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <mlci/core/format.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/report/mr_report.hpp>

namespace mlci::report {

namespace {

std::string h(std::string_view s) {
    return html_escape(s);
}

// The SVG documents are made by chart_svg(); inline they need no XML prolog.
std::string inline_svg(const std::string& svg) {
    return svg;
}

constexpr const char* k_css =
    R"(body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:960px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}code{background:#f3f3f3;padding:0 .2em}
.badge{display:inline-block;padding:.2em .8em;border-radius:1em;font-weight:bold;color:#fff}
.passed{background:#2e7d32}.failed{background:#c62828}.none{background:#757575}
.up{color:#2e7d32}.down{color:#c62828}pre{background:#f6f8fa;padding:.8em;overflow:auto}
.plot{margin:.8em 0;overflow:auto}
)";

} // namespace

// HTML needs what an XML attribute needs (the apostrophe included), so one
// escaper serves both.
std::string html_escape(std::string_view text) {
    return junit::xml_attribute(text);
}

std::string lineage_svg(const lineage::Graph& g) {
    // Layer = the longest path from a source; relaxation stops after as many
    // rounds as there are nodes, so a cycle cannot loop forever.
    std::map<std::string, size_t> layer;
    for (auto& [id, n] : g.nodes)
        layer[id] = 0;
    for (size_t round = 0; round < g.nodes.size(); ++round) {
        bool moved = false;
        for (auto& e : g.edges)
            if (layer.contains(e.from) && layer.contains(e.to) && layer[e.to] < layer[e.from] + 1 &&
                layer[e.from] + 1 < g.nodes.size() + 1) {
                layer[e.to] = layer[e.from] + 1;
                moved = true;
            }
        if (!moved)
            break;
    }
    std::map<size_t, std::vector<std::string>> columns;
    for (auto& [id, l] : layer)
        columns[l].push_back(id);
    constexpr double w = 170, hgt = 46, gap_x = 60, gap_y = 22, margin = 16, k_arch = 40;
    std::map<std::string, std::pair<double, double>> pos;
    size_t tallest = 1;
    for (auto& [l, ids] : columns) {
        tallest = std::max(tallest, ids.size());
        for (size_t i = 0; i < ids.size(); ++i)
            pos[ids[i]] = {margin + static_cast<double>(l) * (w + gap_x),
                           margin + k_arch + static_cast<double>(i) * (hgt + gap_y)};
    }
    double width =
        margin * 2 + static_cast<double>(std::max<size_t>(columns.size(), 1)) * (w + gap_x) - gap_x;
    double height = margin * 2 + k_arch + static_cast<double>(tallest) * (hgt + gap_y) - gap_y;
    std::string s = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
        "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"sans-serif\" font-size=\"11\" "
        "role=\"img\">\n<title>lineage</title>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" "
        "refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555555\"/></marker></defs>\n",
        width, height);
    for (auto& e : g.edges) {
        auto a = pos.find(e.from), b = pos.find(e.to);
        if (a == pos.end() || b == pos.end())
            continue;
        double x1 = a->second.first + w, y1 = a->second.second + hgt / 2;
        double x2 = b->second.first, y2 = b->second.second + hgt / 2;
        if (x2 <= x1) { // same layer or backwards: go around the box's bottom
            x1 = a->second.first + w / 2;
            y1 = a->second.second + hgt;
            x2 = b->second.first + w / 2;
            y2 = b->second.second;
        }
        // An edge that skips a layer arches over the boxes between.
        double lift = layer[e.to] > layer[e.from] + 1 ? k_arch : 0;
        s += fmt::format("<path d=\"M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" "
                         "fill=\"none\" stroke=\"#555555\" marker-end=\"url(#arrow)\">"
                         "<title>{}</title></path>\n",
                         x1, y1, x1 + gap_x / 2, y1 - lift * 1.6, x2 - gap_x / 2, y2 - lift * 1.6,
                         x2, y2, junit::xml_text(e.relation));
    }
    for (auto& [id, n] : g.nodes) {
        auto [x, y] = pos[id];
        bool root = id == g.root;
        auto ref = short_reference(n.reference);
        if (ref.size() > 26)
            ref = ref.substr(0, 25) + "\xE2\x80\xA6";
        s += fmt::format("<g class=\"node\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.0f}\" "
                         "height=\"{:.0f}\" rx=\"6\" fill=\"{}\" stroke=\"{}\" "
                         "stroke-width=\"{}\"/>\n",
                         x, y, w, hgt, root ? "#fff3e0" : "#eef3fa", root ? "#e8710a" : "#4e79a7",
                         root ? 2.5 : 1);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
                         "font-weight=\"bold\">{}</text>\n",
                         x + w / 2, y + 18,
                         junit::xml_text(n.kind + (n.status.empty() ? "" : " · " + n.status)));
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text></g>\n",
                         x + w / 2, y + 34, junit::xml_text(junit::clean_text(ref)));
    }
    s += "</svg>\n";
    return s;
}

std::string report_html(const MrReport& r, const Plots& plots) {
    std::string o;
    auto title =
        fmt::format("mlci report: {} {}", r.name.empty() ? "(unnamed)" : r.name, r.run.reference);
    o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n", h(title), k_css);
    o += fmt::format("<h1>{}</h1>\n", h(title));
    o += fmt::format("<p>Run <code>{}</code> (<code>{}</code>), status <strong>{}</strong>",
                     h(r.run.reference), h(r.run.digest.substr(0, 19)), h(r.status));
    if (!r.commit.empty())
        o += fmt::format(", commit <code>{}</code>{}{}", h(r.commit.substr(0, 12)),
                         r.branch.empty() ? "" : " on <code>" + h(r.branch) + "</code>",
                         r.dirty ? " (with uncommitted changes)" : "");
    o += "</p>\n";
    if (r.validation)
        o += fmt::format("<p id=\"verdict\">Verdict: <span class=\"badge {0}\">{0}</span> by "
                         "validation <code>{1}</code></p>\n",
                         r.validation->passed() ? "passed" : "failed",
                         h(short_reference(r.validation->artifact.reference)));
    else
        o += "<p id=\"verdict\">Verdict: <span class=\"badge none\">not validated</span></p>\n";
    if (r.validation && !r.validation->criteria.empty()) {
        o += "<table id=\"criteria\"><tr><th>criterion</th><th>expected</th><th>measured</th>"
             "<th>verdict</th></tr>\n";
        for (auto& c : r.validation->criteria)
            o +=
                fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                            h(c.criterion), h(c.expected), h(c.measured),
                            c.passed ? "✅ pass" : "❌ <strong>fail</strong>");
        o += "</table>\n";
    }

    o += "<h2>Metrics</h2>\n";
    if (r.baseline)
        o += fmt::format("<p>Compared with the baseline <code>{}</code> ({}).</p>\n",
                         h(r.baseline->reference), h(r.baseline_source));
    else
        o += "<p>No baseline to compare with.</p>\n";
    o += "<table id=\"metrics\"><tr><th>metric</th><th>this run</th>";
    if (r.baseline)
        o += "<th>baseline</th><th>change</th>";
    o += "</tr>\n";
    for (auto& m : r.metrics) {
        o += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td>", h(m.name),
                         human_number(m.value));
        if (r.baseline) {
            auto t = trend_of(m);
            o += fmt::format("<td class=\"num\">{}</td><td class=\"{}\">{}</td>",
                             human_number(m.baseline),
                             t == Trend::up     ? "up"
                             : t == Trend::down ? "down"
                                                : "",
                             h(delta_text(m)));
        }
        o += "</tr>\n";
    }
    o += "</table>\n<h2>Params</h2>\n<table id=\"params\"><tr><th>param</th><th>this run</th>";
    if (r.baseline)
        o += "<th>baseline</th>";
    o += "</tr>\n";
    for (auto& p : r.params) {
        o += fmt::format("<tr{}><td>{}</td><td>{}</td>",
                         p.changed() && r.baseline ? " class=\"changed\"" : "", h(p.name),
                         h(p.value.value_or("-")));
        if (r.baseline)
            o += fmt::format("<td>{}</td>", h(p.baseline.value_or("-")));
        o += "</tr>\n";
    }
    o += "</table>\n<h2>Data</h2>\n";
    for (auto& d : r.datasets) {
        o += fmt::format("<p>Input <code>{}</code>: <code>{}</code>", h(d.name),
                         h(d.version.reference));
        if (d.rows)
            o += fmt::format(", {} rows", *d.rows);
        if (d.baseline)
            o += fmt::format("; the baseline read <code>{}</code>{}{}", h(d.baseline->reference),
                             d.baseline_rows ? fmt::format(" ({} rows)", *d.baseline_rows) : "",
                             d.unchanged ? ", the same version" : "");
        o += "</p>\n";
        if (!d.files.empty()) {
            o += "<ul>\n";
            for (auto& f : d.files)
                o += fmt::format("<li>{} <code>{}</code> ({} → {} bytes)</li>\n", h(f.change),
                                 h(f.path), f.old_size, f.new_size);
            o += "</ul>\n";
        }
        if (!d.drift.empty()) {
            o += "<table class=\"drift\"><tr><th>column</th><th>PSI</th><th>limit</th>"
                 "<th></th></tr>\n";
            for (auto& c : d.drift)
                o += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}"
                                 "</td><td>{}</td></tr>\n",
                                 h(c.column), human_number(c.psi), human_number(c.max_psi),
                                 c.drifted ? "drift" : "stable");
            o += "</table>\n";
        }
    }
    if (r.datasets.empty())
        o += "<p>The run read no versioned datasets.</p>\n";
    if (!plots.drift_svg.empty())
        o += "<div class=\"plot\" id=\"drift-plot\">\n" + inline_svg(plots.drift_svg) + "</div>\n";
    o += "<h2>Lineage</h2>\n<div class=\"plot\" id=\"lineage\">\n" + lineage_svg(r.lineage) +
         "</div>\n<details><summary>Mermaid source</summary>\n<pre class=\"mermaid\">" +
         h(lineage_mermaid(r.lineage)) + "</pre>\n</details>\n";
    if (r.sweep) {
        o += fmt::format("<h2>Sweep</h2>\n<table id=\"sweep\"><tr><th>run</th><th>params</th>"
                         "<th>{}</th></tr>\n",
                         h(r.sweep->metric));
        for (auto& p : r.sweep->points)
            o += fmt::format(
                "<tr><td><code>{}</code>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                h(p.run), p.current ? " (this run)" : "", h(p.label), human_number(p.value));
        o += "</table>\n";
        if (!plots.sweep_svg.empty())
            o += "<div class=\"plot\" id=\"sweep-plot\">\n" + inline_svg(plots.sweep_svg) +
                 "</div>\n";
    }
    o += "<p><small>Made by mlci report.</small></p>\n</body>\n</html>\n";
    return o;
}

} // namespace mlci::report
