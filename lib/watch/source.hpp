// Where events come from: a file followed like `tail -F` (reopened when it is
// rotated, read from the start again when it is truncated), standard input,
// or an HTTP endpoint polled for JSON lines.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mlci/core/error.hpp>
#include <string>

namespace mlci::watch {

struct Read {
    enum class State { data, idle, end };
    State state = State::idle;
    size_t bytes = 0;    // appended to the destination (state data)
    std::string warning; // something went wrong but the source goes on (a failed poll)
};

class Source {
public:
    virtual ~Source() = default;
    // Copies up to `cap` bytes into `dst`. Waits at most `timeout_ms` when
    // nothing is there yet. `end` means the source has no more events (end of
    // standard input; a file or URL read through once).
    virtual Result<Read> read(char* dst, size_t cap, int timeout_ms) = 0;
    // How to name it in messages: the path, "standard input", the URL.
    virtual std::string name() const = 0;
    // Line boundaries the data itself cannot show: an HTTP answer that ends
    // without a newline still ends its last event.
};

// How often a followed file or URL is checked, unless told otherwise.
inline constexpr std::chrono::milliseconds k_default_poll_interval{500};

struct SourceOptions {
    bool follow = true;    // false: read what is there, then end
    bool from_end = false; // a followed file: skip what it holds at the start
    // How often a followed file or URL is checked.
    int64_t poll_ms = k_default_poll_interval.count();
};

// "-" is standard input; http:// and https:// URLs are polled; anything else
// is a file (which must exist).
Result<std::unique_ptr<Source>> open_source(const std::string& spec, const SourceOptions& options);

Result<std::unique_ptr<Source>> open_file_source(const std::string& path,
                                                 const SourceOptions& options);
std::unique_ptr<Source> open_fd_source(int fd, std::string name);
Result<std::unique_ptr<Source>> open_http_source(const std::string& url,
                                                 const SourceOptions& options);

} // namespace mlci::watch
