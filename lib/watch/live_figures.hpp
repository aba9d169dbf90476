// The figures a running watch serves on /metrics (metrics.hpp): the
// watcher's totals after each chunk of input, and each window as soon as it
// is handed on. The watcher reports its totals only after a chunk, so a
// window is counted here at once, or a scrape in between would show its
// statistics next to counters that do not include it yet.
#pragma once

#include <mlci/watch/metrics.hpp>
#include <mlci/watch/watcher.hpp>
#include <optional>
#include <string>

namespace mlci::watch {

class LiveFigures {
public:
    // `server` (may be null: nothing is served) gets every update.
    explicit LiveFigures(MetricsServer* server = nullptr) : m_server(server) {}

    void progress(const Totals& totals);
    void window(const WindowResult& window);

    const Totals& totals() const { return m_totals; }
    const std::optional<WindowResult>& last() const { return m_last; }
    std::string exposition() const { return render_metrics(m_totals, m_last); }

private:
    void publish();

    MetricsServer* m_server;
    Totals m_totals;
    std::optional<WindowResult> m_last;
};

} // namespace mlci::watch
