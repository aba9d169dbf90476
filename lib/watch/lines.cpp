#include <cmath>
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
    return worst ? fmt::format(", max psi {} ({})", format_number(worst->psi), worst->name)
                 : std::string();
}

} // namespace

std::string watching_line(const std::string& source, const Baseline& b,
                          const WindowOptions& window) {
    return fmt::format("watching {} against {} '{}' ({} of {}, {} feature(s){}), {}", source,
                       b.kind, store::display_name(b.artifact), b.table,
                       store::display_name(b.dataset), b.features.size(),
                       b.target.empty() ? "" : ", target " + b.target,
                       window.events    ? fmt::format("windows of {} events", window.events)
                       : window.seconds ? fmt::format("windows of {}s", window.seconds)
                                        : std::string("one window of every event"));
}

std::string window_line(const WindowResult& window) {
    auto& sum = window.summary;
    return fmt::format("window {}: {} event(s), {} malformed{}{}, {} alert(s)", sum.index,
                       sum.events, sum.malformed, worst_feature_text(sum),
                       std::isnan(sum.accuracy) ? std::string()
                                                : ", accuracy " + format_number(sum.accuracy),
                       window.alerts.size());
}

std::string alert_line(const Alert& alert, const WindowSummary& window) {
    return fmt::format("alert: {} (window {}, {} events)", alert.text(), window.index,
                       window.events);
}

std::string totals_line(const Totals& t) {
    return fmt::format("{} event(s), {} malformed line(s), {} window(s), {} alert(s)", t.events,
                       t.malformed, t.windows, t.alerts);
}

} // namespace mlci::watch
