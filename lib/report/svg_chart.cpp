#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/report/svg_chart.hpp>

namespace mlci::report {

namespace {

constexpr double k_min_left = 64, k_right = 24, k_top = 44, k_bottom = 72, k_plot_height = 220;
constexpr double k_slot = 64; // horizontal room per bar

// Numbers in SVG coordinates: short, and never in a locale's format.
std::string num(double v) {
    return fmt::format("{:.1f}", v);
}

std::string shorten(const std::string& s, size_t max) {
    if (s.size() <= max)
        return s;
    size_t cut = max - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut; // never split a UTF-8 sequence
    return s.substr(0, cut) + "\xE2\x80\xA6";
}

} // namespace

std::vector<double> nice_ticks(double low, double high, int count) {
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high) || count < 2)
        return {low};
    double raw = (high - low) / (count - 1);
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    std::vector<double> ticks;
    double first = std::floor(low / step) * step;
    for (int i = 0; i < 64; ++i) {
        double t = first + i * step;
        if (std::abs(t) < step * 1e-9)
            t = 0;
        ticks.push_back(t);
        if (t >= high - step * 1e-9)
            break;
    }
    return ticks;
}

std::string chart_svg(const BarChart& chart) {
    size_t n = chart.bars.size();
    // Labels are written slanted, ending under their bar: the first one needs
    // room on the left (about 6.5 px a character at 11 px, cos 30° across).
    size_t longest = 0;
    for (auto& b : chart.bars)
        longest = std::max(longest, std::min<size_t>(b.label.size(), 28));
    const double left =
        std::clamp(static_cast<double>(longest) * 6.5 * 0.87 - k_slot / 2 + 8, k_min_left, 200.0);
    double width = left + k_right + k_slot * static_cast<double>(std::max<size_t>(n, 4));
    double height = k_top + k_plot_height + k_bottom;
    double low = 0, high = 0;
    for (auto& b : chart.bars)
        if (std::isfinite(b.value)) {
            low = std::min(low, b.value);
            high = std::max(high, b.value);
        }
    if (chart.reference_line)
        high = std::max(high, *chart.reference_line);
    if (high <= low)
        high = low + 1;
    auto ticks = nice_ticks(low, high, 6);
    low = std::min(low, ticks.front());
    high = std::max(high, ticks.back());
    auto y_of = [&](double v) { return k_top + k_plot_height * (high - v) / (high - low); };
    double base_y = y_of(std::clamp(0.0, low, high));

    std::string s;
    s += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" role=\"img\" font-family=\"sans-serif\" "
                     "font-size=\"11\">\n",
                     num(width), num(height));
    s += fmt::format("<title>{}</title>\n", junit::xml_text(chart.title));
    s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                     num(width), num(height));
    s += fmt::format("<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" "
                     "font-weight=\"bold\">{}</text>\n",
                     num(width / 2), junit::xml_text(chart.title));
    // Axes and horizontal grid lines with their values.
    double right = width - k_right;
    for (double t : ticks) {
        double y = y_of(t);
        s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e0e0e0\"/>\n",
                         num(left), num(y), num(right));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(left - 6),
                         num(y + 4), junit::xml_text(human_number(t)));
    }
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333333\"/>\n",
                     num(left), num(k_top), num(k_top + k_plot_height));
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333333\"/>\n",
                     num(left), num(base_y), num(right));
    s += fmt::format("<text x=\"14\" y=\"{0}\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 14 {0})\">{1}</text>\n",
                     num(k_top + k_plot_height / 2), junit::xml_text(chart.y_label));
    if (n == 0)
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666666\">no "
                         "data</text>\n",
                         num(width / 2), num(k_top + k_plot_height / 2));
    for (size_t i = 0; i < n; ++i) {
        auto& b = chart.bars[i];
        double v = std::isfinite(b.value) ? b.value : 0;
        double x = left + k_slot * static_cast<double>(i) + k_slot * 0.2;
        double w = k_slot * 0.6;
        double top = std::min(y_of(v), base_y), bottom = std::max(y_of(v), base_y);
        s += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                         "fill=\"{}\"><title>{}: {}</title></rect>\n",
                         num(x), num(top), num(w), num(std::max(bottom - top, 0.5)),
                         b.highlight ? "#e8710a" : "#4e79a7", junit::xml_text(b.label),
                         junit::xml_text(human_number(b.value)));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                         num(x + w / 2), num(top - 4), junit::xml_text(human_number(b.value)));
        double label_y = k_top + k_plot_height + 16;
        s += fmt::format("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                         "transform=\"rotate(-30 {0} {1})\"{2}>{3}</text>\n",
                         num(x + w / 2), num(label_y), b.highlight ? " font-weight=\"bold\"" : "",
                         junit::xml_text(shorten(b.label, 28)));
    }
    if (chart.reference_line) {
        double y = y_of(*chart.reference_line);
        s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#c0392b\" "
                         "stroke-dasharray=\"6 4\"/>\n",
                         num(left), num(y), num(right));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#c0392b\">{}</text>\n",
                         num(right), num(y - 4), junit::xml_text(chart.reference_label));
    }
    s += "</svg>\n";
    return s;
}

} // namespace mlci::report
