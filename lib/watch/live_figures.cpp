#include <mlci/watch/live_figures.hpp>

namespace mlci::watch {

void LiveFigures::progress(const Totals& totals) {
    m_totals = totals;
    publish();
}

void LiveFigures::window(const WindowResult& window) {
    m_last = window;
    ++m_totals.windows;
    m_totals.alerts += window.alerts.size();
    publish();
}

void LiveFigures::publish() {
    if (m_server)
        m_server->publish(exposition());
}

} // namespace mlci::watch
