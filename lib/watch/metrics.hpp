// Live figures in the Prometheus text exposition format (0.0.4), served on
// /metrics by a small HTTP/1.1 server on a thread of its own, so that a slow
// or stuck scraper never blocks the event loop.
#pragma once

#include <memory>
#include <mlci/core/error.hpp>
#include <mlci/watch/watcher.hpp>
#include <optional>
#include <string>

namespace mlci::watch {

// The exposition: counters from `totals`, gauges from the last window (none
// before the first window ends; NaN statistics are left out).
std::string render_metrics(const Totals& totals, const std::optional<WindowResult>& last);

// A label value with \, " and newline escaped as the format requires.
std::string escape_label(std::string_view value);

class MetricsServer {
public:
    // Listens on ADDR ("127.0.0.1:9464", ":9464", "[::1]:9464"; port 0 picks
    // one) and serves on a thread until destroyed.
    static Result<std::unique_ptr<MetricsServer>> start(const std::string& address);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Replaces what /metrics answers.
    void publish(std::string exposition);
    // The bound address as host:port (the real port when 0 was asked for).
    const std::string& address() const;

private:
    struct Impl;
    explicit MetricsServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mlci::watch
