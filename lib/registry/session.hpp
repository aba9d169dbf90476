// A conversation with one registry host: authorization (anonymous, Basic, or
// the Bearer token flow), retries with backoff, and errors that say what the
// registry answered. Thread-safe: transfers share one session.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mlci/net/http.hpp>
#include <mlci/registry/challenge.hpp>
#include <mlci/registry/credentials.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlci::registry {

struct RetryPolicy {
    int attempts = 5; // in all, the first included
    std::chrono::milliseconds first_delay{250};
    std::chrono::milliseconds max_delay{8000};
};

// True for answers that a later attempt may get past: 408, 429 and 5xx but 501.
bool retryable_status(long status);

// The wait before retry number `retry` (1, 2, ...): doubling from the first
// delay, capped, with jitter; a Retry-After of a few seconds is honoured.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::string_view retry_after = {});

// What a token service answered: the token ("token", else "access_token") and
// how long to use it ("expires_in", kept between 20 seconds and a day).
struct TokenAnswer {
    std::string token;
    std::chrono::seconds expires_in{60};
};
// Parses a token service's JSON answer; nothing when it holds no token.
std::optional<TokenAnswer> parse_token_answer(std::string_view body);

struct SessionOptions {
    bool plain_http = false; // http:// instead of https://
    RetryPolicy retry;
    // Token scopes asked for up front, e.g. "repository:team/iris:pull,push".
    std::vector<std::string> scopes;
};

class Session {
public:
    // Opens a session with `host` and checks that it answers as a registry
    // (GET /v2/). `creds` are the host's credentials, if any.
    static Result<std::unique_ptr<Session>> open(std::string host, SessionOptions options,
                                                 std::optional<Credentials> creds);

    // "https://host/v2/"
    const std::string& base_url() const { return m_base; }
    const std::string& host() const { return m_host; }
    const RetryPolicy& retry_policy() const { return m_options.retry; }

    // Sends `r` authorized, retrying dropped connections, 429 and 5xx with
    // backoff. Returns the last answer, whatever its status; an error only
    // when no answer came. Not for requests whose sink must resume.
    Result<net::HttpResponse> send(const net::HttpRequest& r);
    // One attempt, authorized (and re-authorized once on a 401).
    net::HttpResult send_once(const net::HttpRequest& r);

    // The error for an answer the caller did not expect, naming `what`
    // ("localhost:5000/team/iris"): "registry answered 401 UNAUTHORIZED: ...".
    Error answer_error(const net::HttpResponse& r, std::string_view what) const;
    // The error for a request that got no answer.
    Error transport_error(const net::TransportError& e) const;
    // Sleeps before retry number `retry`, counting it.
    void wait_before_retry(int retry, std::string_view retry_after = {});
    uint64_t retries() const { return m_retries; }

    Session(std::string host, SessionOptions options, std::optional<Credentials> creds);

private:
    // The Authorization header line for the current scheme, or "" (anonymous).
    Result<std::string> authorization();
    // Learns the scheme from a 401 and fetches a token when it is Bearer;
    // false when there is nothing new to try.
    Result<bool> handle_challenge(const net::HttpResponse& r, const std::string& sent);
    Result<std::string> fetch_token(const Challenge& c, const std::vector<std::string>& scopes);
    Status ping();

    std::string m_host, m_base;
    SessionOptions m_options;
    std::optional<Credentials> m_creds;
    net::HttpClient m_http;
    mutable std::mutex m_mutex;
    std::optional<Challenge> m_challenge; // the scheme in use; none = anonymous
    std::string m_token;
    std::chrono::steady_clock::time_point m_token_expiry;
    std::atomic<uint64_t> m_retries{0};
};

} // namespace mlci::registry
