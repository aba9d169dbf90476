#include <chrono>
#include <cmath>
#include <cstring>
#include <mlci/watch/watcher.hpp>

namespace mlci::watch {

namespace {

constexpr size_t k_chunk = 1 << 20;
constexpr size_t k_max_line = 16 << 20;
constexpr int k_tick_ms =
    200; // how long a read may wait: stop and time windows are checked as often

std::vector<const data::ColumnProfile*> feature_columns(const Baseline& b) {
    std::vector<const data::ColumnProfile*> out;
    out.reserve(b.features.size());
    for (auto& name : b.features)
        out.push_back(b.profile.column(name));
    return out;
}

} // namespace

double now_seconds() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

Watcher::Watcher(const Baseline& baseline, EventFields fields, WindowOptions window,
                 std::vector<Rule> rules)
    : m_window(window), m_rules(std::move(rules)), m_parser(std::move(fields), baseline.features),
      m_stats(feature_columns(baseline), baseline.target_column(),
              baseline.target_column() ? task_of(*baseline.target_column()) : Task::none) {}

Status Watcher::emit(WindowSummary summary, const WatchCallbacks& cb) {
    ++m_totals.windows;
    WindowResult r{std::move(summary), {}};
    r.alerts = evaluate(m_rules, r.summary);
    m_totals.alerts += r.alerts.size();
    if (cb.on_window)
        return cb.on_window(r);
    return {};
}

Status Watcher::close_window(double end, const WatchCallbacks& cb) {
    auto s = m_stats.summarize();
    s.index = ++m_closed;
    s.start = m_start;
    s.end = end;
    m_stats.reset();
    m_start = m_last = k_nan;
    if (m_window.once) {
        m_last_full = std::move(s);
        return {};
    }
    return emit(std::move(s), cb);
}

Status Watcher::flush(double end, const WatchCallbacks& cb) {
    if (m_window.once) {
        if (m_last_full)
            return emit(std::move(*m_last_full), cb);
        auto s = m_stats.summarize();
        s.index = ++m_closed;
        s.start = m_start;
        s.end = std::isnan(m_last) ? end : m_last;
        return emit(std::move(s), cb);
    }
    if (m_stats.events() == 0 && m_stats.malformed() == 0)
        return {};
    return close_window(std::isnan(m_last) ? end : m_last, cb);
}

Status Watcher::feed_line(std::string_view line, double arrival, const WatchCallbacks& cb) {
    ++m_totals.lines;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
        return {};
    auto err = m_parser.parse(line, m_event);
    if (!err.empty()) {
        ++m_totals.malformed;
        m_stats.add_malformed();
        if (cb.on_malformed)
            cb.on_malformed(m_totals.lines, err);
        return {};
    }
    double t = m_window.clock == Clock::event && m_event.ts ? *m_event.ts : arrival;
    if (m_window.seconds > 0) {
        if (std::isnan(m_start)) {
            m_start = std::floor(t / m_window.seconds) * m_window.seconds;
        } else if (t >= m_start + m_window.seconds) {
            MLCI_TRY(close_window(m_start + m_window.seconds, cb));
            m_start = std::floor(t / m_window.seconds) * m_window.seconds;
        }
    } else if (std::isnan(m_start)) {
        m_start = t;
    }
    m_last = t;
    ++m_totals.events;
    m_totals.unknown_features += m_event.unknown_features;
    m_stats.add(m_event);
    if (m_window.events > 0 && m_stats.events() >= m_window.events)
        MLCI_TRY(close_window(t, cb));
    return {};
}

Result<Totals> Watcher::run(Source& source, const std::function<bool()>& stop,
                            const WatchCallbacks& cb) {
    size_t pad = EventParser::padding();
    std::vector<char> buf(k_chunk + pad);
    size_t begin = 0, end = 0; // unparsed bytes: buf[begin, end)
    bool ended = false;
    bool skipping = false; // inside a line that was too long
    while (!(stop && stop())) {
        // Keep room for a chunk and simdjson's padding behind the data.
        if (begin > 0 && (buf.size() - end < k_chunk / 2 + pad)) {
            std::memmove(buf.data(), buf.data() + begin, end - begin);
            end -= begin;
            begin = 0;
        }
        if (buf.size() - end < k_chunk / 2 + pad)
            buf.resize(buf.size() * 2);
        MLCI_TRY_ASSIGN(r, source.read(buf.data() + end, buf.size() - end - pad, k_tick_ms));
        if (!r.warning.empty() && cb.on_warning)
            cb.on_warning(r.warning);
        double arrival = now_seconds();
        if (r.state == Read::State::data) {
            end += r.bytes;
            std::memset(buf.data() + end, 0, pad);
            const char* p = buf.data() + begin;
            const char* stop_at = buf.data() + end;
            if (skipping) { // the rest of an overlong line
                auto* nl = static_cast<const char*>(std::memchr(p, '\n', stop_at - p));
                p = nl ? nl + 1 : stop_at;
                skipping = !nl;
            }
            while (p < stop_at) {
                auto* nl = static_cast<const char*>(std::memchr(p, '\n', stop_at - p));
                if (!nl)
                    break;
                MLCI_TRY(feed_line(std::string_view(p, nl - p), arrival, cb));
                p = nl + 1;
            }
            begin = p - buf.data();
            if (end - begin > k_max_line) {
                // A line this long is no event; memory stays bounded.
                m_stats.add_malformed();
                ++m_totals.malformed;
                ++m_totals.lines;
                if (cb.on_malformed)
                    cb.on_malformed(m_totals.lines,
                                    fmt::format("longer than {} MiB", k_max_line >> 20));
                skipping = true;
                begin = end;
            }
            if (begin == end)
                begin = end = 0;
            if (cb.on_progress)
                cb.on_progress(m_totals);
        } else if (r.state == Read::State::end) {
            ended = true;
            break;
        }
        // Arrival-time windows end on the clock, even without events.
        if (m_window.seconds > 0 && m_window.clock == Clock::arrival && !m_window.once &&
            !std::isnan(m_start) && arrival >= m_start + m_window.seconds)
            MLCI_TRY(close_window(m_start + m_window.seconds, cb));
    }
    // A last line without a newline still counts when the input ended.
    if (ended && end > begin) {
        std::memset(buf.data() + end, 0, pad);
        MLCI_TRY(feed_line(std::string_view(buf.data() + begin, end - begin), now_seconds(), cb));
    }
    MLCI_TRY(flush(now_seconds(), cb));
    if (cb.on_progress)
        cb.on_progress(m_totals);
    return m_totals;
}

} // namespace mlci::watch
