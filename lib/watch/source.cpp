#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mlci/net/http.hpp>
#include <mlci/watch/source.hpp>
#include <poll.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace mlci::watch {

namespace {

void sleep_ms(int ms) {
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

class FileSource final : public Source {
public:
    FileSource(std::string path, SourceOptions options)
        : m_path(std::move(path)), m_options(options) {}
    ~FileSource() override {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    Status open(bool at_end) {
        int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return std::unexpected(
                Error{errno == ENOENT ? Exit::usage : Exit::runtime,
                      fmt::format("cannot open '{}': {}", m_path, std::strerror(errno))});
        struct stat st {};
        ::fstat(fd, &st);
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
        m_dev = st.st_dev;
        m_ino = st.st_ino;
        m_offset = 0;
        if (at_end)
            m_offset = static_cast<uint64_t>(std::max<off_t>(0, ::lseek(fd, 0, SEEK_END)));
        return {};
    }

    Result<Read> read(char* dst, size_t cap, int timeout_ms) override {
        ssize_t n = ::read(m_fd, dst, cap);
        if (n < 0) {
            if (errno == EINTR)
                return Read{};
            return sys_error(errno, fmt::format("cannot read '{}'", m_path));
        }
        if (n > 0) {
            m_offset += static_cast<uint64_t>(n);
            return Read{Read::State::data, static_cast<size_t>(n), {}};
        }
        if (!m_options.follow)
            return Read{Read::State::end, 0, {}};
        // At the end of what is there: rotated (another inode at the path),
        // truncated (shorter than what was read), or just nothing new yet.
        struct stat st {};
        if (::stat(m_path.c_str(), &st) == 0) {
            if (st.st_dev != m_dev || st.st_ino != m_ino) {
                if (open(false))
                    return Read{};
            } else if (static_cast<uint64_t>(st.st_size) < m_offset) {
                ::lseek(m_fd, 0, SEEK_SET);
                m_offset = 0;
                return Read{};
            }
        }
        sleep_ms(static_cast<int>(std::min<int64_t>(timeout_ms, m_options.poll_ms)));
        return Read{};
    }

    std::string name() const override { return m_path; }

private:
    std::string m_path;
    SourceOptions m_options;
    int m_fd = -1;
    dev_t m_dev = 0;
    ino_t m_ino = 0;
    uint64_t m_offset = 0;
};

class FdSource final : public Source {
public:
    FdSource(int fd, std::string name) : m_fd(fd), m_name(std::move(name)) {}

    Result<Read> read(char* dst, size_t cap, int timeout_ms) override {
        pollfd p{m_fd, POLLIN, 0};
        int r = ::poll(&p, 1, timeout_ms);
        if (r < 0 && errno != EINTR)
            return sys_error(errno, fmt::format("cannot read {}", m_name));
        if (r <= 0)
            return Read{};
        ssize_t n = ::read(m_fd, dst, cap);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                return Read{};
            return sys_error(errno, fmt::format("cannot read {}", m_name));
        }
        if (n == 0)
            return Read{Read::State::end, 0, {}};
        return Read{Read::State::data, static_cast<size_t>(n), {}};
    }

    std::string name() const override { return m_name; }

private:
    int m_fd;
    std::string m_name;
};

// Polls a URL. A server that honours Range (a growing file served as is)
// answers 206 with what is new since the last poll; any other 200 answer is
// taken as new events (an endpoint that hands out what arrived since it was
// last asked).
class HttpSource final : public Source {
public:
    HttpSource(std::string url, SourceOptions options)
        : m_url(std::move(url)), m_options(options) {}

    Result<Read> read(char* dst, size_t cap, int timeout_ms) override {
        if (m_at >= m_pending.size()) {
            if (m_polls > 0 && !m_options.follow)
                return Read{Read::State::end, 0, {}};
            if (m_polls > 0) {
                auto due = m_last + std::chrono::milliseconds(m_options.poll_ms);
                auto now = std::chrono::steady_clock::now();
                if (now < due) {
                    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - now);
                    // Within int: never longer than timeout_ms.
                    sleep_ms(static_cast<int>(std::min<int64_t>(timeout_ms, wait.count() + 1)));
                    return Read{};
                }
            }
            MLCI_TRY_ASSIGN(r, poll());
            if (m_at >= m_pending.size())
                return r;
        }
        size_t n = std::min(cap, m_pending.size() - m_at);
        std::copy_n(m_pending.data() + m_at, n, dst);
        m_at += n;
        return Read{Read::State::data, n, {}};
    }

    std::string name() const override { return m_url; }

private:
    Result<Read> poll() {
        m_last = std::chrono::steady_clock::now();
        bool first = m_polls++ == 0;
        m_pending.clear();
        m_at = 0;
        auto request = net::make_request("GET", m_url);
        request.follow_redirects = true;
        bool ranged = m_ranges && m_offset > 0;
        if (ranged)
            request.headers.push_back(fmt::format("Range: bytes={}-", m_offset));
        std::string body;
        request.sink = [&](long, std::string_view data) -> Status {
            body.append(data);
            return {};
        };
        auto response = m_client.perform(request);
        auto fail = [&](std::string what) -> Result<Read> {
            if (first)
                return runtime_error("cannot read events from '{}': {}", m_url, what);
            return Read{Read::State::idle, 0, fmt::format("poll of '{}' failed: {}", m_url, what)};
        };
        if (!response)
            return fail(response.error().message);
        long status = response->status;
        if (status == 416) {
            // Nothing past the offset; a total below it means a new, shorter file.
            auto range = response->header("content-range");
            auto slash = range.rfind('/');
            if (slash != std::string::npos &&
                std::strtoull(range.c_str() + slash + 1, nullptr, 10) < m_offset)
                m_offset = 0;
            return Read{};
        }
        if (status == 204)
            return Read{};
        if (status != 200 && status != 206)
            return fail(fmt::format("HTTP status {}", status));
        if (status == 206) {
            m_offset += body.size();
        } else if (ranged) {
            // Asked for a range, got a whole answer: an endpoint that hands out
            // new events each time. Stop asking for ranges.
            m_ranges = false;
        } else if (m_ranges) {
            m_offset = body.size();
        }
        if (status == 200 && !body.empty() && body.back() != '\n')
            body.push_back('\n');
        m_pending = std::move(body);
        return Read{};
    }

    std::string m_url;
    SourceOptions m_options;
    net::HttpClient m_client;
    std::string m_pending;
    size_t m_at = 0;
    uint64_t m_offset = 0;
    bool m_ranges = true;
    int m_polls = 0;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace

Result<std::unique_ptr<Source>> open_file_source(const std::string& path,
                                                 const SourceOptions& options) {
    auto s = std::make_unique<FileSource>(path, options);
    MLCI_TRY(s->open(options.from_end));
    return std::unique_ptr<Source>(std::move(s));
}

std::unique_ptr<Source> open_fd_source(int fd, std::string name) {
    return std::make_unique<FdSource>(fd, std::move(name));
}

Result<std::unique_ptr<Source>> open_http_source(const std::string& url,
                                                 const SourceOptions& options) {
    return std::unique_ptr<Source>(std::make_unique<HttpSource>(url, options));
}

Result<std::unique_ptr<Source>> open_source(const std::string& spec, const SourceOptions& options) {
    if (spec == "-")
        return open_fd_source(0, "standard input");
    if (spec.starts_with("http://") || spec.starts_with("https://"))
        return open_http_source(spec, options);
    return open_file_source(spec, options);
}

} // namespace mlci::watch
