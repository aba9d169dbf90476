#include <cmath>
#include <mlci/core/text.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/watch/lines.hpp>

namespace mlci::watch {

namespace {

// ", max psi 0.93 (x)": the most drifted feature of a window, if any has a psi.
std::string worst_feature_text(const WindowSummary& w) {
    const FeatureSummary* worst = nullptr;
    for (auto& f : w.features)
        if (!std::isnan(f.psi) && (!worst || f.psi > worst->psi))
            worst = &f;
    return worst ? fmt::format(", max psi {} ({})", figure_text(worst->psi), worst->name)
                 : std::string();
}

} // namespace

std::string watching_line(const std::string& source, const Baseline& b,
                          const WindowOptions& window) {
    return fmt::format("watching {} against {} '{}' ({} of {}, {}{}), {}", source, b.kind,
                       store::display_name(b.artifact), b.table, store::display_name(b.dataset),
                       plural(b.features.size(), "feature"),
                       b.target.empty() ? "" : ", target " + b.target,
                       window.events    ? fmt::format("windows of {} events", window.events)
                       : window.seconds ? fmt::format("windows of {}s", window.seconds)
                                        : std::string("one window of every event"));
}

std::string window_line(const WindowResult& window) {
    auto& sum = window.summary;
    return fmt::format("window {}: {}, {} malformed{}{}, {}", sum.index,
                       plural(sum.events, "event"), sum.malformed, worst_feature_text(sum),
                       std::isnan(sum.accuracy) ? std::string()
                                                : ", accuracy " + figure_text(sum.accuracy),
                       plural(window.alerts.size(), "alert"));
}

std::string alert_line(const Alert& alert, const WindowSummary& window) {
    return fmt::format("alert: {} (window {}, {})", alert.text(), window.index,
                       plural(window.events, "event"));
}

std::string totals_line(const Totals& t) {
    return fmt::format("{}, {}, {}, {}", plural(t.events, "event"),
                       plural(t.malformed, "malformed line"), plural(t.windows, "window"),
                       plural(t.alerts, "alert"));
}

} // namespace mlci::watch
