// The event loop of `mlci watch`: read a source, split it into lines, parse
// events, count them into windows, and hand each finished window with the
// alerts its rules raise to a callback. Memory is flat in the number of events.
#pragma once

#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/watch/baseline.hpp>
#include <mlci/watch/event.hpp>
#include <mlci/watch/rule.hpp>
#include <mlci/watch/source.hpp>
#include <mlci/watch/stats.hpp>
#include <vector>

namespace mlci::watch {

enum class Clock { event, arrival };

struct WindowOptions {
    uint64_t events = 0;        // a window every N events; 0: not by count
    double seconds = 0;         // a window every S seconds; 0: not by time
    Clock clock = Clock::event; // time windows: event ts (arrival when absent), or arrival
    // Evaluate one window when the input ends: the last full window, or every
    // event read when no window filled (or no window size was given).
    bool once = false;
};

struct WindowResult {
    WindowSummary summary;
    std::vector<Alert> alerts;
};

// Running totals since the start, for counters and the closing summary.
struct Totals {
    uint64_t events = 0;
    uint64_t malformed = 0;
    uint64_t lines = 0;
    uint64_t windows = 0;
    uint64_t alerts = 0;
    uint64_t unknown_features = 0; // feature keys the baseline does not have
};

struct WatchCallbacks {
    // A finished window; an error stops the watch.
    std::function<Status(const WindowResult&)> on_window;
    // A line that is not an event (line number from the start, why).
    std::function<void(uint64_t, const std::string&)> on_malformed;
    // A source's warning (a failed poll); the watch goes on.
    std::function<void(const std::string&)> on_warning;
    // After each chunk of input: the totals so far.
    std::function<void(const Totals&)> on_progress;
};

class Watcher {
public:
    Watcher(const Baseline& baseline, EventFields fields, WindowOptions window,
            std::vector<Rule> rules);

    // Reads `source` until it ends or `stop` returns true; with once, evaluates one
    // window at the end. Returns the totals.
    Result<Totals> run(Source& source, const std::function<bool()>& stop, const WatchCallbacks& cb);

    // Feeds one line (without its newline; followed by EventParser::padding()
    // readable bytes); for tests and run().
    Status feed_line(std::string_view line, double arrival, const WatchCallbacks& cb);
    // Closes the current window (when it has anything) and hands it on.
    Status flush(double end, const WatchCallbacks& cb);
    const Totals& totals() const { return m_totals; }

private:
    Status close_window(double end, const WatchCallbacks& cb);
    Status emit(WindowSummary summary, const WatchCallbacks& cb);

    WindowOptions m_window;
    std::vector<Rule> m_rules;
    EventParser m_parser;
    WindowStats m_stats;
    Event m_event;
    Totals m_totals;
    uint64_t m_closed = 0;  // windows closed (evaluated or, with once, passed over)
    double m_start = k_nan; // current window: first time seen (or time-window start)
    double m_last = k_nan;  // and last
    std::optional<WindowSummary> m_last_full; // once: the last window that filled
};

// Seconds since the epoch, now.
double now_seconds();

} // namespace mlci::watch
