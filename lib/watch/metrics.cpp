#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <mlci/watch/metrics.hpp>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace mlci::watch {

namespace {

constexpr int k_read_timeout_ms = 2000;
constexpr size_t k_max_request = size_t{16} * 1024;

struct Family {
    std::string& out;
    void header(std::string_view name, std::string_view type, std::string_view help) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void sample(std::string_view name, double value, std::string_view labels = {}) {
        if (std::isnan(value))
            return;
        if (labels.empty())
            out += fmt::format("{} {}\n", name, value);
        else
            out += fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
};

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data.remove_prefix(static_cast<size_t>(n));
    }
}

std::string response(int status, std::string_view reason, std::string_view type,
                     std::string_view body, bool head) {
    auto r = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                         "Connection: close\r\n\r\n",
                         status, reason, type, body.size());
    if (!head)
        r += body;
    return r;
}

} // namespace

std::string escape_label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string render_metrics(const Totals& totals, const std::optional<WindowResult>& last) {
    std::string out;
    Family f{out};
    auto counter = [&](const char* name, const char* help, uint64_t v) {
        f.header(name, "counter", help);
        f.sample(name, static_cast<double>(v));
    };
    counter("mlci_watch_events_total", "Events parsed since the watch started.", totals.events);
    counter("mlci_watch_malformed_total", "Lines that were not events.", totals.malformed);
    counter("mlci_watch_windows_total", "Windows evaluated.", totals.windows);
    counter("mlci_watch_alerts_total", "Rule breaches over all windows.", totals.alerts);
    if (!last)
        return out;
    auto& w = last->summary;
    auto gauge = [&](const char* name, const char* help, double v) {
        f.header(name, "gauge", help);
        f.sample(name, v);
    };
    gauge("mlci_watch_window_index", "The number of the last window evaluated.",
          static_cast<double>(w.index));
    gauge("mlci_watch_window_events", "Events in the last window.", static_cast<double>(w.events));
    gauge("mlci_watch_window_alerts", "Rule breaches in the last window.",
          static_cast<double>(last->alerts.size()));
    struct PerFeature {
        const char* name;
        const char* help;
        double FeatureSummary::*field;
    };
    const PerFeature per_feature[] = {
        {"mlci_watch_psi", "Population stability index of a feature against the baseline.",
         &FeatureSummary::psi},
        {"mlci_watch_ks", "Kolmogorov-Smirnov statistic of a numeric feature against the baseline.",
         &FeatureSummary::ks},
        {"mlci_watch_chi2", "Chi-square statistic of a feature against the baseline.",
         &FeatureSummary::chi2},
        {"mlci_watch_chi2_p_value", "P-value of the chi-square test against the baseline.",
         &FeatureSummary::p_value},
        {"mlci_watch_missing_rate", "Share of events without a value for a feature.",
         &FeatureSummary::missing_rate},
        {"mlci_watch_mean", "Mean of a numeric feature in the last window.", &FeatureSummary::mean},
    };
    for (auto& m : per_feature) {
        f.header(m.name, "gauge", m.help);
        for (auto& feat : w.features)
            f.sample(m.name, feat.*(m.field),
                     fmt::format("feature=\"{}\"", escape_label(feat.name)));
    }
    if (w.prediction) {
        gauge("mlci_watch_prediction_psi",
              "Population stability index of the predictions against the baseline's target.",
              w.prediction->psi);
        gauge("mlci_watch_prediction_ks", "Kolmogorov-Smirnov statistic of numeric predictions.",
              w.prediction->ks);
        gauge("mlci_watch_prediction_chi2", "Chi-square statistic of the predictions.",
              w.prediction->chi2);
    }
    gauge("mlci_watch_missing_rate_overall", "Share of feature values missing in the last window.",
          w.missing_rate);
    gauge("mlci_watch_labeled_events", "Events in the last window with a label.",
          static_cast<double>(w.labeled));
    gauge("mlci_watch_accuracy", "Accuracy over the labelled events of the last window.",
          w.accuracy);
    gauge("mlci_watch_mae", "Mean absolute error over the labelled events of the last window.",
          w.mae);
    gauge("mlci_watch_rmse", "Root mean squared error over the labelled events of the last window.",
          w.rmse);
    return out;
}

struct MetricsServer::Impl {
    int listen_fd = -1;
    int wake[2] = {-1, -1};
    std::string address;
    std::mutex mutex;
    std::string exposition;
    std::thread thread;

    ~Impl() {
        if (thread.joinable()) {
            char c = 'q';
            [[maybe_unused]] auto n = ::write(wake[1], &c, 1);
            thread.join();
        }
        for (int fd : {listen_fd, wake[0], wake[1]})
            if (fd >= 0)
                ::close(fd);
    }

    void serve() {
        for (;;) {
            pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR)
                    continue;
                return;
            }
            if (fds[1].revents)
                return;
            if (!(fds[0].revents & POLLIN))
                continue;
            int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            handle(fd);
            ::close(fd);
        }
    }

    void handle(int fd) {
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos && request.size() < k_max_request) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, k_read_timeout_ms) <= 0)
                return;
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                return;
            request.append(buf, static_cast<size_t>(n));
        }
        auto line_end = request.find("\r\n");
        std::string_view line(request.data(), line_end == std::string::npos ? 0 : line_end);
        auto sp1 = line.find(' ');
        auto sp2 = line.find(' ', sp1 + 1);
        if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
            write_all(fd, response(400, "Bad Request", "text/plain", "bad request\n", false));
            return;
        }
        auto method = line.substr(0, sp1);
        auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        target = target.substr(0, target.find('?'));
        bool head = method == "HEAD";
        if (method != "GET" && !head) {
            write_all(fd, response(405, "Method Not Allowed", "text/plain", "only GET and HEAD\n",
                                   false));
            return;
        }
        if (target != "/metrics") {
            write_all(fd, response(404, "Not Found", "text/plain",
                                   "not found: the metrics are on /metrics\n", head));
            return;
        }
        std::string body;
        {
            std::lock_guard lock(mutex);
            body = exposition;
        }
        write_all(fd, response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", body, head));
    }
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
MetricsServer::~MetricsServer() = default;

void MetricsServer::publish(std::string exposition) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->exposition = std::move(exposition);
}

const std::string& MetricsServer::address() const {
    return m_impl->address;
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address) {
    auto colon = address.rfind(':');
    if (colon == std::string::npos)
        return usage_error("invalid listen address '{}' (expected HOST:PORT, e.g. "
                           "127.0.0.1:9464)",
                           address);
    std::string host = address.substr(0, colon), port = address.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
        return usage_error("invalid port in listen address '{}'", address);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
        rc != 0)
        return usage_error("invalid listen address '{}': {}", address, gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(res, freeaddrinfo);
    auto impl = std::make_unique<Impl>();
    int err = 0;
    for (auto* a = res; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 16) == 0) {
            impl->listen_fd = fd;
            break;
        }
        err = errno;
        ::close(fd);
    }
    if (impl->listen_fd < 0)
        return sys_error(err, fmt::format("cannot listen on '{}'", address));
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(impl->listen_fd, reinterpret_cast<sockaddr*>(&bound), &len);
    char name[INET6_ADDRSTRLEN] = "?";
    int bound_port = 0;
    if (bound.ss_family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&bound);
        ::inet_ntop(AF_INET, &in->sin_addr, name, sizeof name);
        bound_port = ntohs(in->sin_port);
        impl->address = fmt::format("{}:{}", name, bound_port);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&bound);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, name, sizeof name);
        bound_port = ntohs(in6->sin6_port);
        impl->address = fmt::format("[{}]:{}", name, bound_port);
    }
    if (::pipe2(impl->wake, O_CLOEXEC) != 0)
        return sys_error(errno, "cannot create a pipe");
    impl->exposition = render_metrics({}, std::nullopt);
    auto* raw = impl.get();
    impl->thread = std::thread([raw] { raw->serve(); });
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

} // namespace mlci::watch
