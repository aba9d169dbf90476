#include <fmt/format.h>
#include <mlci/core/duration.hpp>
#include <mlci/deploy/health.hpp>
#include <mlci/net/http.hpp>
#include <mlci/process/process.hpp>
#include <optional>
#include <thread>

namespace mlci::deploy {

namespace {

// One GET: empty when it answered 2xx, else why not.
std::string http_attempt(net::HttpClient& http, const std::string& url,
                         std::chrono::milliseconds timeout) {
    auto request = net::make_request("GET", url);
    request.timeout = timeout;
    request.follow_redirects = true;
    // Only the status counts: a 2xx body is dropped as it arrives.
    request.sink = [](long, std::string_view) -> Status { return {}; };
    auto r = http.perform(request);
    if (!r)
        return fmt::format("GET {}: {}", url, r.error().message);
    if (r->status < 200 || r->status > 299)
        return fmt::format("GET {}: HTTP {}", url, r->status);
    return {};
}

// The last lines of a command's output, for the failure message.
std::string tail(const std::string& out, size_t max = 400) {
    auto t = out.size() > max ? out.substr(out.size() - max) : out;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
        t.pop_back();
    return t;
}

Result<std::string> command_attempt(const HealthCheck& h) {
    std::string output;
    process::ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", h.check};
    spec.env = h.env.empty() ? process::current_environment() : h.env;
    spec.cwd = h.cwd;
    spec.timeout = h.timeout;
    spec.kill_grace = std::chrono::seconds(2);
    spec.on_output = [&](std::string_view chunk) {
        output.append(chunk);
        if (output.size() > size_t{64} * 1024)
            output.erase(0, output.size() - size_t{64} * 1024);
    };
    MLCI_TRY_ASSIGN(r, process::run_process(spec));
    if (r.timed_out)
        return fmt::format("`{}` timed out after {}", h.check, format_duration(h.timeout));
    if (r.exit_code != 0) {
        auto out = tail(output);
        return fmt::format("`{}` exited {}{}{}", h.check, r.exit_code, out.empty() ? "" : ": ",
                           out);
    }
    return std::string();
}

} // namespace

bool is_http_check(std::string_view check) {
    return check.starts_with("http://") || check.starts_with("https://");
}

Result<HealthResult> run_health_check(const HealthCheck& h,
                                      const std::function<void(const std::string&)>& on_attempt) {
    HealthResult result;
    if (h.check.empty())
        return result;
    auto attempts = std::max(1u, h.attempts);
    // The attempt's timeout is its only limit: connecting to a service that is
    // still starting, or its slow first answer, may take all of it.
    auto limit_seconds = std::max<long>(1, static_cast<long>((h.timeout.count() + 999) / 1000));
    std::optional<net::HttpClient> http;
    if (is_http_check(h.check))
        http.emplace(net::HttpOptions{.verify_tls = true,
                                      .connect_timeout_seconds = limit_seconds,
                                      .stall_seconds = limit_seconds});
    for (unsigned i = 1; i <= attempts; ++i) {
        result.attempts = i;
        std::string failure;
        if (is_http_check(h.check)) {
            failure = http_attempt(*http, h.check, h.timeout);
        } else {
            MLCI_TRY_ASSIGN(f, command_attempt(h));
            failure = std::move(f);
        }
        if (failure.empty()) {
            result.passed = true;
            result.detail.clear();
            return result;
        }
        result.passed = false;
        result.detail = std::move(failure);
        if (on_attempt)
            on_attempt(fmt::format("health check {}/{} failed: {}", i, attempts, result.detail));
        if (i < attempts)
            std::this_thread::sleep_for(h.interval);
    }
    return result;
}

} // namespace mlci::deploy
