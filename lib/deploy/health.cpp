#include <fmt/format.h>
#include <mlci/core/duration.hpp>
#include <mlci/deploy/health.hpp>
#include <mlci/net/libcurl.hpp>
#include <mlci/process/process.hpp>
#include <thread>

namespace mlci::deploy {

namespace {

size_t discard(char*, size_t size, size_t n, void*) {
    return size * n;
}

// One GET: empty when it answered 2xx, else why not.
std::string http_attempt(const std::string& url, std::chrono::milliseconds timeout) {
    auto loaded = net::libcurl();
    if (!loaded)
        return loaded.error().message;
    const auto& lc = **loaded;
    CURL* curl = lc.easy_init();
    if (!curl)
        return "cannot start libcurl";
    lc.easy_setopt(curl, CURLOPT_URL, url.c_str());
    lc.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    lc.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lc.easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    lc.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    lc.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    auto rc = lc.easy_perform(curl);
    long status = 0;
    lc.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    lc.easy_cleanup(curl);
    if (rc != CURLE_OK)
        return fmt::format("GET {}: {}", url, lc.easy_strerror(rc));
    if (status < 200 || status > 299)
        return fmt::format("GET {}: HTTP {}", url, status);
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
        if (output.size() > 64 * 1024)
            output.erase(0, output.size() - 64 * 1024);
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
    for (unsigned i = 1; i <= attempts; ++i) {
        result.attempts = i;
        std::string failure;
        if (is_http_check(h.check)) {
            failure = http_attempt(h.check, h.timeout);
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
