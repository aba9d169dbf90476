// HTTP over libcurl: the one client of mlci (the registry protocol, watch's
// HTTP source, deploy's health checks). Easy handles are pooled so that
// connections and TLS sessions are reused across requests and threads; each
// C handle is owned by a unique_ptr. Nothing here logs a header or a body:
// requests carry credentials.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlci::net {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers; // "Name: value"
    // The body: `body`, or `file_length` bytes of `file_fd` from `file_offset`
    // (read with pread as the request goes, never held in memory).
    std::string body;
    int file_fd = -1;
    uint64_t file_offset = 0;
    uint64_t file_length = 0;
    // When set, the body of a 2xx answer goes here (with the status: 200 or
    // 206 tells a resumed download what it got) instead of into the
    // response; an error it returns ends the transfer.
    std::function<Status(long status, std::string_view data)> sink;
    // Called with the number of body bytes handed to the connection.
    std::function<void(uint64_t)> on_sent;
    bool follow_redirects = false;
    // The whole request's limit (a health check's); none: only the client's
    // connect and stall limits apply, as a large download needs.
    std::optional<std::chrono::milliseconds> timeout;
};

// A request without a body.
inline HttpRequest make_request(std::string method, std::string url) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    return r;
}

struct HttpResponse {
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers; // names lowercased
    std::string body; // error answers, and 2xx answers without a sink (capped)
    // The value of the last header `name` (lowercase), or "".
    std::string header(std::string_view name) const;
};

// A request that got no HTTP answer: connection refused or dropped, timeout,
// TLS failure, or the sink's own error.
struct TransportError {
    std::string message;
    bool retryable = true;           // a dropped connection may pass next time
    std::optional<Error> sink_error; // the sink failed (disk full...): never retried
};

using HttpResult = std::expected<HttpResponse, TransportError>;

struct HttpOptions {
    bool verify_tls = true;
    long connect_timeout_seconds = 30;
    // A transfer moving less than 1 byte a second for this long is dropped.
    long stall_seconds = 60;
};

class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Performs one request (no retries, no authentication); thread-safe.
    HttpResult perform(const HttpRequest& request);

private:
    struct Pool;
    HttpOptions m_options;
    std::unique_ptr<Pool> m_pool;
};

// The largest body kept in memory: manifests are at most 4 MiB by the spec.
inline constexpr size_t k_max_small_body = 8u << 20;

// Percent-encodes a query parameter value.
std::string url_encode(std::string_view text);

// Resolves a Location header against the URL that answered it.
std::string resolve_location(std::string_view base_url, std::string_view location);

} // namespace mlci::net
