#include <cerrno>
#include <fcntl.h>
#include <mlci/core/file_lock.hpp>
#include <sys/file.h>
#include <thread>

namespace mlci {

namespace {

// The lock file, opened for writing (created if missing), or for reading
// where the folder is read-only: flock works on either. A lock file that
// cannot be created in a read-only folder yields an empty descriptor, a lock
// that holds nothing: on a read-only file system no process writes there, and
// where only another user may write, that user creates the file when locking.
Result<UniqueFd> open_lock_file(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd)
        return fd;
    if (errno != EROFS && errno != EACCES)
        return sys_error(errno, fmt::format("cannot open lock '{}'", path.string()));
    UniqueFd reading(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!reading && errno != ENOENT)
        return sys_error(errno, fmt::format("cannot open lock '{}'", path.string()));
    return reading;
}

int flock_op(FileLock::Mode mode) {
    return mode == FileLock::Mode::shared ? LOCK_SH : LOCK_EX;
}

} // namespace

Result<std::optional<FileLock>> FileLock::try_acquire(const std::filesystem::path& path,
                                                      Mode mode) {
    MLCI_TRY_ASSIGN(fd, open_lock_file(path));
    if (!fd || ::flock(fd.get(), flock_op(mode) | LOCK_NB) == 0)
        return std::optional<FileLock>(FileLock(std::move(fd)));
    if (errno == EWOULDBLOCK || errno == EINTR)
        return std::optional<FileLock>{};
    return sys_error(errno, fmt::format("cannot lock '{}'", path.string()));
}

Result<FileLock> FileLock::acquire(const std::filesystem::path& path, Mode mode,
                                   std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        MLCI_TRY_ASSIGN(lock, try_acquire(path, mode));
        if (lock)
            return std::move(*lock);
        if (std::chrono::steady_clock::now() >= deadline)
            return runtime_error("timed out waiting for lock '{}' (another mlci process holds it)",
                                 path.string());
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

} // namespace mlci
