// Bar charts as hand-written SVG: axes, ticks, bars, value labels. Enough
// for the plots of `mlci report` without a plotting library.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlci::report {

struct Bar {
    std::string label; // under the bar
    double value = 0;
    bool highlight = false; // drawn in the accent colour
};

struct BarChart {
    std::string title;
    std::string y_label;
    std::vector<Bar> bars;
    // A dashed horizontal line, e.g. the PSI drift limit.
    std::optional<double> reference_line;
    std::string reference_label;
};

// A standalone SVG document (with the XML namespace) of `chart`; every text
// from outside is escaped. An empty chart draws its axes and "no data".
std::string chart_svg(const BarChart& chart);

// "Nice" tick values from 0 (or the lowest value) to at least `max`: 1, 2 or 5
// times a power of ten, at most about `count` of them.
std::vector<double> nice_ticks(double low, double high, int count);

} // namespace mlci::report
