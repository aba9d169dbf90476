#include <algorithm>
#include <charconv>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/session.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace mlci::registry {

namespace {

// The first challenge mlci can answer: Bearer before Basic.
std::optional<Challenge> pick_challenge(const net::HttpResponse& r) {
    auto all = parse_challenges(r.header("www-authenticate"));
    for (auto* scheme : {"bearer", "basic"})
        for (auto& c : all)
            if (c.scheme == scheme)
                return c;
    return {};
}

bool is_loopback_url(std::string_view url) {
    auto p = url.find("://");
    auto rest = p == std::string_view::npos ? url : url.substr(p + 3);
    return is_loopback_host(rest.substr(0, rest.find('/')));
}

} // namespace

std::optional<TokenAnswer> parse_token_answer(std::string_view body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object())
        return {};
    TokenAnswer answer;
    if (auto t = j.find("token"); t != j.end() && t->is_string())
        answer.token = t->get<std::string>();
    else if (auto a = j.find("access_token"); a != j.end() && a->is_string())
        answer.token = a->get<std::string>();
    if (answer.token.empty())
        return {};
    // Clamped: a huge expires_in would overflow the clock's time_point, and a
    // negative one (or a huge unsigned one read as negative) would never end.
    if (auto e = j.find("expires_in"); e != j.end() && e->is_number_integer()) {
        long long seconds = e->is_number_unsigned() && e->get<uint64_t>() > 86400
                                ? 86400
                                : std::clamp<long long>(e->get<long long>(), 20, 86400);
        answer.expires_in = std::chrono::seconds(seconds);
    }
    return answer;
}

bool retryable_status(long status) {
    return status == 408 || status == 429 || (status >= 500 && status != 501);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::string_view retry_after) {
    long seconds = 0;
    auto [p, ec] =
        std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    if (ec == std::errc() && seconds > 0 && seconds <= 60)
        return std::chrono::seconds(seconds);
    std::chrono::milliseconds d = policy.first_delay * (1LL << std::min(retry - 1, 16));
    d = std::min<std::chrono::milliseconds>(d, policy.max_delay);
    thread_local std::mt19937 rng{std::random_device{}()};
    // ±25% so that parallel transfers do not retry in lockstep
    std::uniform_int_distribution<long long> jitter(-d.count() / 4, d.count() / 4);
    return d + std::chrono::milliseconds(jitter(rng));
}

Session::Session(std::string host, SessionOptions options, std::optional<Credentials> creds)
    : m_host(std::move(host)), m_options(std::move(options)), m_creds(std::move(creds)) {
    m_base = fmt::format("{}://{}/v2/", m_options.plain_http ? "http" : "https", m_host);
}

Result<std::unique_ptr<Session>> Session::open(std::string host, SessionOptions options,
                                               std::optional<Credentials> creds) {
    if (options.plain_http && creds && !is_loopback_host(host))
        return usage_error("refusing to send credentials for '{}' over plain HTTP (--plain-http "
                           "is for registries on this machine)",
                           host);
    auto s = std::make_unique<Session>(std::move(host), std::move(options), std::move(creds));
    MLCI_TRY(s->ping());
    return s;
}

Status Session::ping() {
    MLCI_TRY_ASSIGN(r, send(net::make_request("GET", m_base)));
    if (r.status >= 200 && r.status < 300)
        return {};
    // Without credentials a 401 may still allow anonymous pulls of some
    // repositories; each request then says what the registry answered.
    if (r.status == 401 && !m_creds)
        return {};
    if (r.status == 401 || r.status == 403)
        return std::unexpected(answer_error(r, m_host));
    return runtime_error("'{}' does not answer as an OCI registry: GET {} answered {}", m_host,
                         m_base, r.status);
}

Result<std::string> Session::authorization() {
    std::lock_guard lock(m_mutex);
    if (!m_challenge)
        return std::string();
    if (m_challenge->scheme == "basic") {
        if (!m_creds)
            return std::string();
        return "Authorization: Basic " + base64_encode(m_creds->username + ":" + m_creds->password);
    }
    if (m_token.empty() || std::chrono::steady_clock::now() >= m_token_expiry) {
        MLCI_TRY_ASSIGN(token, fetch_token(*m_challenge, m_options.scopes));
        m_token = std::move(token);
    }
    return m_token.empty() ? std::string() : "Authorization: Bearer " + m_token;
}

Result<bool> Session::handle_challenge(const net::HttpResponse& r, const std::string& sent) {
    auto c = pick_challenge(r);
    if (!c)
        return false;
    std::lock_guard lock(m_mutex);
    if (c->scheme == "basic") {
        bool had_basic = sent.find("Basic ") != std::string::npos;
        if (!m_creds || had_basic)
            return false;
        m_challenge = *c;
        return true;
    }
    auto scopes = m_options.scopes;
    if (auto extra = c->param("scope");
        !extra.empty() && std::find(scopes.begin(), scopes.end(), extra) == scopes.end())
        scopes.push_back(extra);
    MLCI_TRY_ASSIGN(token, fetch_token(*c, scopes));
    bool fresh = sent != "Authorization: Bearer " + token;
    m_challenge = *c;
    m_token = std::move(token);
    return fresh || m_creds.has_value();
}

// Called with m_mutex held: one fetch at a time, the others wait for its token.
Result<std::string> Session::fetch_token(const Challenge& c,
                                         const std::vector<std::string>& scopes) {
    auto realm = c.param("realm");
    if (!realm.starts_with("https://") && !realm.starts_with("http://"))
        return runtime_error("registry '{}' sent a token realm that is not an HTTP URL", m_host);
    if (realm.starts_with("http://") && m_creds && !is_loopback_url(realm))
        return runtime_error("refusing to send credentials for '{}' to the plain-HTTP token "
                             "service '{}'",
                             m_host, realm);
    std::string url = realm;
    char sep = realm.find('?') == std::string::npos ? '?' : '&';
    if (auto service = c.param("service"); !service.empty()) {
        url += fmt::format("{}service={}", sep, net::url_encode(service));
        sep = '&';
    }
    for (auto& s : scopes) {
        url += fmt::format("{}scope={}", sep, net::url_encode(s));
        sep = '&';
    }
    auto req = net::make_request("GET", url);
    if (m_creds)
        req.headers.push_back("Authorization: Basic " +
                              base64_encode(m_creds->username + ":" + m_creds->password));
    net::HttpResponse r;
    for (int attempt = 1;; ++attempt) {
        auto res = m_http.perform(req);
        bool last = attempt >= m_options.retry.attempts;
        if (!res) {
            if (!res.error().retryable || last)
                return runtime_error("cannot reach the token service '{}' of '{}': {}", realm,
                                     m_host, res.error().message);
        } else if (!retryable_status(res->status) || last) {
            r = std::move(*res);
            break;
        }
        wait_before_retry(attempt, res ? res->header("retry-after") : "");
    }
    if (r.status != 200) {
        auto msg =
            fmt::format("the token service '{}' of '{}' answered {}", realm, m_host, r.status);
        if (r.status == 401 || r.status == 403)
            msg += m_creds ? fmt::format(" (check the credentials from {})", m_creds->source)
                           : fmt::format(" (log in with 'mlci login {}')", m_host);
        return std::unexpected(Error{Exit::runtime, msg});
    }
    auto answer = parse_token_answer(r.body);
    if (!answer)
        return runtime_error("the token service '{}' of '{}' answered without a token", realm,
                             m_host);
    m_token_expiry =
        std::chrono::steady_clock::now() + answer->expires_in - std::chrono::seconds(10);
    return std::move(answer->token);
}

net::HttpResult Session::send_once(const net::HttpRequest& r) {
    for (int round = 0;; ++round) {
        auto auth = authorization();
        if (!auth)
            return std::unexpected(net::TransportError{auth.error().message, false, auth.error()});
        net::HttpRequest authorized = r;
        if (!auth->empty())
            authorized.headers.push_back(*auth);
        auto res = m_http.perform(authorized);
        if (!res || res->status != 401 || round > 0)
            return res;
        auto again = handle_challenge(*res, *auth);
        if (!again)
            return std::unexpected(
                net::TransportError{again.error().message, false, again.error()});
        if (!*again)
            return res;
    }
}

Result<net::HttpResponse> Session::send(const net::HttpRequest& r) {
    for (int attempt = 1;; ++attempt) {
        auto res = send_once(r);
        bool last = attempt >= m_options.retry.attempts;
        if (!res) {
            if (!res.error().retryable || last)
                return std::unexpected(transport_error(res.error()));
        } else if (!retryable_status(res->status) || last) {
            return std::move(*res);
        }
        wait_before_retry(attempt, res ? res->header("retry-after") : "");
    }
}

void Session::wait_before_retry(int retry, std::string_view retry_after) {
    ++m_retries;
    std::this_thread::sleep_for(backoff_delay(m_options.retry, retry, retry_after));
}

Error Session::answer_error(const net::HttpResponse& r, std::string_view what) const {
    std::string code, message;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object())
        if (auto errs = j.find("errors"); errs != j.end() && errs->is_array() && !errs->empty()) {
            // value() throws on a member of another type: read only strings.
            auto& e = (*errs)[0];
            auto string_at = [&](const char* key) {
                auto it = e.is_object() ? e.find(key) : e.end();
                return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            code = string_at("code");
            message = string_at("message");
        }
    // HEAD answers have no body: say what the spec's code for the status is.
    if (code.empty()) {
        if (r.status == 401)
            code = "UNAUTHORIZED", message = "authentication required";
        else if (r.status == 403)
            code = "DENIED", message = "requested access to the resource is denied";
        else if (r.status == 429)
            code = "TOOMANYREQUESTS", message = "too many requests";
    }
    auto text = fmt::format("registry answered {}", r.status);
    if (!code.empty())
        text += " " + code;
    if (!message.empty())
        text += ": " + message;
    text += fmt::format(" for '{}'", what);
    if (r.status == 401)
        text += m_creds ? fmt::format(" (the credentials from {} were refused)", m_creds->source)
                        : fmt::format(" (log in with 'mlci login {}', or set MLCI_REGISTRY_USER "
                                      "and MLCI_REGISTRY_PASSWORD)",
                                      m_host);
    else if (r.status == 403)
        text += m_creds ? fmt::format(" (the credentials from {} lack access)", m_creds->source)
                        : " (access denied)";
    return Error{r.status == 404 ? Exit::usage : Exit::runtime, text};
}

Error Session::transport_error(const net::TransportError& e) const {
    if (e.sink_error)
        return *e.sink_error;
    auto text = fmt::format("cannot reach registry '{}': {}", m_host, e.message);
    bool tls = e.message.find("SSL") != std::string::npos ||
               e.message.find("certificate") != std::string::npos ||
               e.message.find("TLS") != std::string::npos;
    if (tls && !m_options.plain_http && is_loopback_host(m_host))
        text += " (for a registry on this machine without TLS, use --plain-http)";
    else if (!tls)
        text += " (is it running, and is the address right?)";
    return Error{Exit::runtime, text};
}

} // namespace mlci::registry
