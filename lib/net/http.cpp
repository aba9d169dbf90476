#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mlci/net/http.hpp>
#include <mlci/net/libcurl.hpp>
#include <mutex>
#include <unistd.h>

namespace mlci::net {

namespace {

struct CurlFree {
    void operator()(CURL* c) const { loaded_libcurl().easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlFree>;

struct SlistFree {
    void operator()(curl_slist* l) const { loaded_libcurl().slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

// What the callbacks of one transfer share.
struct Transfer {
    const HttpRequest* request = nullptr;
    CURL* handle = nullptr;
    HttpResponse response;
    uint64_t body_sent = 0;
    std::optional<Error> sink_error;
    bool too_large = false;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    // A new status line (a redirect, a 100 Continue): forget earlier headers.
    if (line.starts_with("HTTP/")) {
        t.response.headers.clear();
        return size * n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return size * n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    t.response.headers.emplace_back(std::move(name), b == std::string_view::npos
                                                         ? ""
                                                         : std::string(value.substr(b, e - b + 1)));
    return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    size_t len = size * n;
    long status = 0;
    loaded_libcurl().easy_getinfo(t.handle, CURLINFO_RESPONSE_CODE, &status);
    if (t.request->sink && status >= 200 && status < 300) {
        if (auto s = t.request->sink(status, std::string_view(data, len)); !s) {
            t.sink_error = s.error();
            return 0; // aborts the transfer with CURLE_WRITE_ERROR
        }
        return len;
    }
    if (t.response.body.size() + len > k_max_small_body) {
        t.too_large = true;
        return 0;
    }
    t.response.body.append(data, len);
    return len;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    auto& r = *t.request;
    size_t want = size * n;
    size_t got = 0;
    if (r.file_fd >= 0) {
        uint64_t left = r.file_length - t.body_sent;
        want = static_cast<size_t>(std::min<uint64_t>(want, left));
        while (want > 0) {
            ssize_t k =
                ::pread(r.file_fd, buffer, want, static_cast<off_t>(r.file_offset + t.body_sent));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                t.sink_error = k < 0 ? sys_error(errno, "cannot read the blob to upload").error()
                                     : Error{Exit::runtime, "the blob to upload shrank on disk"};
                return CURL_READFUNC_ABORT;
            }
            got = static_cast<size_t>(k);
            break;
        }
    } else {
        got = std::min<size_t>(want, r.body.size() - t.body_sent);
        std::memcpy(buffer, r.body.data() + t.body_sent, got);
    }
    t.body_sent += got;
    if (r.on_sent && got > 0)
        r.on_sent(got);
    return got;
}

// libcurl rewinds the body when it resends a request on a fresh connection
// (a kept-alive one the server had closed) or after a redirect.
int on_seek(void* user, curl_off_t offset, int origin) {
    auto& t = *static_cast<Transfer*>(user);
    auto length = t.request->file_fd >= 0 ? t.request->file_length : t.request->body.size();
    if (origin != SEEK_SET || offset < 0 || static_cast<uint64_t>(offset) > length)
        return CURL_SEEKFUNC_CANTSEEK;
    t.body_sent = static_cast<uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

// Transport failures that a new attempt may get past.
bool retryable(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

} // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it)
        if (it->first == name)
            return it->second;
    return {};
}

struct HttpClient::Pool {
    std::mutex mutex;
    std::vector<CurlHandle> idle;
    // Shares DNS answers and TLS sessions between the handles.
    struct ShareFree {
        void operator()(CURLSH* s) const { loaded_libcurl().share_cleanup(s); }
    };
    std::unique_ptr<CURLSH, ShareFree> share;
    std::mutex share_locks[CURL_LOCK_DATA_LAST];

    CurlHandle take() {
        std::lock_guard lock(mutex);
        if (!idle.empty()) {
            auto h = std::move(idle.back());
            idle.pop_back();
            return h;
        }
        return CurlHandle(loaded_libcurl().easy_init());
    }
    void give_back(CurlHandle h) {
        std::lock_guard lock(mutex);
        idle.push_back(std::move(h));
    }
};

HttpClient::HttpClient(HttpOptions options) : m_options(options), m_pool(std::make_unique<Pool>()) {
    // Without libcurl there is no share; perform() says why.
    auto loaded = libcurl();
    if (!loaded)
        return;
    const auto& curl = **loaded;
    m_pool->share.reset(curl.share_init());
    auto lock = [](CURL*, curl_lock_data d, curl_lock_access, void* p) {
        static_cast<Pool*>(p)->share_locks[d].lock();
    };
    auto unlock = [](CURL*, curl_lock_data d, void* p) {
        static_cast<Pool*>(p)->share_locks[d].unlock();
    };
    curl.share_setopt(m_pool->share.get(), CURLSHOPT_LOCKFUNC,
                      static_cast<curl_lock_function>(lock));
    curl.share_setopt(m_pool->share.get(), CURLSHOPT_UNLOCKFUNC,
                      static_cast<curl_unlock_function>(unlock));
    curl.share_setopt(m_pool->share.get(), CURLSHOPT_USERDATA, m_pool.get());
    curl.share_setopt(m_pool->share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl.share_setopt(m_pool->share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HttpClient::~HttpClient() {
    // Handles go before the share they use.
    m_pool->idle.clear();
}

HttpResult HttpClient::perform(const HttpRequest& r) {
    auto loaded = libcurl();
    if (!loaded)
        return std::unexpected(TransportError{loaded.error().message, false, {}});
    const auto& curl = **loaded;
    auto handle = m_pool->take();
    if (!handle)
        return std::unexpected(TransportError{"cannot start an HTTP request", false, {}});
    CURL* h = handle.get();
    curl.easy_reset(h);
    Transfer t;
    t.request = &r;
    t.handle = h;
    char errbuf[CURL_ERROR_SIZE] = {};

    curl.easy_setopt(h, CURLOPT_SHARE, m_pool->share.get());
    curl.easy_setopt(h, CURLOPT_URL, r.url.c_str());
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_USERAGENT, "mlci/" MLCI_VERSION);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, m_options.verify_tls ? 1L : 0L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, m_options.verify_tls ? 2L : 0L);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, m_options.connect_timeout_seconds);
    curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, m_options.stall_seconds);
    curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl.easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
    if (r.follow_redirects) {
        // libcurl drops Authorization when a redirect leaves the host
        // (blob downloads go to object storage with a signed URL).
        curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    }
    if (r.timeout)
        curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout->count()));

    Slist headers;
    // A 100-continue round trip costs a second on registries that ignore it.
    headers.reset(curl.slist_append(headers.release(), "Expect:"));
    for (auto& line : r.headers)
        headers.reset(curl.slist_append(headers.release(), line.c_str()));
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    bool has_body = r.method != "GET" && r.method != "HEAD" && r.method != "DELETE";
    if (r.method == "HEAD") {
        curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
        uint64_t length = r.file_fd >= 0 ? r.file_length : r.body.size();
        curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
        curl.easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl.easy_setopt(h, CURLOPT_READDATA, &t);
        curl.easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
        curl.easy_setopt(h, CURLOPT_SEEKDATA, &t);
        curl.easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
        if (r.method != "PUT")
            curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    } else if (r.method != "GET") {
        curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }

    CURLcode code = curl.easy_perform(h);
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.response.status);
    // Detach the share and headers before the handle goes back to the pool.
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    m_pool->give_back(std::move(handle));

    if (t.sink_error)
        return std::unexpected(TransportError{t.sink_error->message, false, t.sink_error});
    if (t.too_large)
        return std::unexpected(TransportError{"the answer is larger than 8 MiB", false, {}});
    if (code != CURLE_OK) {
        std::string message = *errbuf ? errbuf : curl.easy_strerror(code);
        return std::unexpected(TransportError{std::move(message), retryable(code), {}});
    }
    return std::move(t.response);
}

std::string url_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 15]);
        }
    }
    return out;
}

std::string resolve_location(std::string_view base_url, std::string_view location) {
    if (location.starts_with("http://") || location.starts_with("https://"))
        return std::string(location);
    auto scheme_end = base_url.find("://");
    auto host_end = base_url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
    auto origin = base_url.substr(0, host_end);
    if (location.starts_with('/'))
        return std::string(origin) + std::string(location);
    auto dir = base_url.substr(0, base_url.rfind('/') + 1);
    return std::string(dir) + std::string(location);
}

} // namespace mlci::net
