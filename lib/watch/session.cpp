#include <mlci/core/text.hpp>
#include <mlci/watch/hook.hpp>
#include <mlci/watch/lines.hpp>
#include <mlci/watch/live_figures.hpp>
#include <mlci/watch/session.hpp>

namespace mlci::watch {

namespace {

// The first malformed lines are each worth a warning; after that a flood of
// them would bury everything else, so they are only counted.
constexpr int k_malformed_warned = 5;

void tell_line(const std::function<void(const std::string&)>& to, const std::string& line) {
    if (to)
        to(line);
}

class WatchSession {
public:
    WatchSession(store::Store& store, const WatchSettings& s, const Baseline& b,
                 const SessionOutput& out)
        : m_store(store), m_s(s), m_baseline(b), m_out(out) {}

    Result<SessionResult> run(const std::function<bool()>& stop) {
        MLCI_TRY_ASSIGN(source, open_source(m_s.events, m_s.source));
        m_report_ctx = report_context(m_s, m_baseline, source->name());
        std::unique_ptr<MetricsServer> server;
        if (!m_s.listen.empty()) {
            MLCI_TRY_ASSIGN(started, MetricsServer::start(m_s.listen));
            server = std::move(started);
            tell_line(m_out.note,
                      fmt::format("serving metrics on http://{}/metrics", server->address()));
        }
        m_live = LiveFigures(server.get());
        tell_line(m_out.note, watching_line(source->name(), m_baseline, m_s.window));
        if (m_s.rules.empty())
            tell_line(m_out.warn,
                      "no rules: statistics are measured but nothing alerts (pass --rule "
                      "or set watch.rules in mlci.yaml)");

        Watcher watcher(m_baseline, m_s.fields, m_s.window, m_s.rules);
        WatchCallbacks cb;
        cb.on_window = [this](const WindowResult& w) { return on_window(w); };
        cb.on_malformed = [this](uint64_t line, const std::string& why) {
            if (++m_malformed <= k_malformed_warned)
                tell_line(m_out.warn,
                          fmt::format("{}: line {}: {}", m_report_ctx.source, line, why));
            else if (m_malformed == k_malformed_warned + 1)
                tell_line(m_out.warn, "more malformed lines: only counted from here on");
        };
        cb.on_warning = m_out.warn;
        cb.on_progress = [this](const Totals& t) { m_live.progress(t); };
        MLCI_TRY_ASSIGN(totals, watcher.run(*source, stop, cb));
        tell_line(m_out.note, totals_line(totals));
        if (totals.unknown_features)
            tell_line(m_out.note, fmt::format("{} named no column of the baseline (ignored)",
                                              plural(totals.unknown_features, "feature value")));
        return SessionResult{totals, m_alerted};
    }

private:
    Status on_window(const WindowResult& w) {
        m_live.window(w);
        tell_line(m_out.note, window_line(w));
        if (w.summary.events == 0 && m_s.window.once)
            tell_line(m_out.warn, fmt::format("no events in '{}'", m_report_ctx.source));
        for (auto& a : w.alerts)
            tell_line(m_out.alert, alert_line(a, w.summary));
        m_alerted = m_alerted || !w.alerts.empty();
        MLCI_TRY_ASSIGN(outcome, settle_window(m_store, w, m_baseline, m_report_ctx, m_s.alerts));
        if (m_out.window)
            m_out.window(outcome);
        if (outcome.notify) {
            AlertHook hook{m_s.alerts.on_alert, m_store.temp_dir(), m_out.hook_output};
            auto warning = hook_warning(
                run_alert_hook(hook, outcome.reference, outcome.report, w.alerts, w.summary.index));
            if (!warning.empty())
                tell_line(m_out.warn, warning);
        }
        return {};
    }

    store::Store& m_store;
    const WatchSettings& m_s;
    const Baseline& m_baseline;
    const SessionOutput& m_out;
    ReportContext m_report_ctx;
    LiveFigures m_live;
    bool m_alerted = false;
    int m_malformed = 0;
};

} // namespace

Result<SessionResult> run_session(store::Store& store, const WatchSettings& settings,
                                  const Baseline& baseline, const std::function<bool()>& stop,
                                  const SessionOutput& out) {
    return WatchSession(store, settings, baseline, out).run(stop);
}

} // namespace mlci::watch
