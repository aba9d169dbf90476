// Advisory locks on a lock file (flock): released by the kernel when the
// process dies, so a crash never leaves a stale lock behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/core/fd.hpp>
#include <optional>

namespace mlci {

class FileLock {
public:
    enum class Mode { shared, exclusive };

    // Takes the lock on `path` (created if missing), waiting at most `timeout`.
    static Result<FileLock> acquire(const std::filesystem::path& path, Mode mode,
                                    std::chrono::milliseconds timeout = std::chrono::minutes(10));
    // Takes the lock if it is free now; an empty optional when it is held.
    static Result<std::optional<FileLock>> try_acquire(const std::filesystem::path& path,
                                                       Mode mode);

    FileLock(FileLock&&) = default;
    FileLock& operator=(FileLock&&) = default;

private:
    explicit FileLock(UniqueFd fd) : m_fd(std::move(fd)) {}
    UniqueFd m_fd;
};

} // namespace mlci
