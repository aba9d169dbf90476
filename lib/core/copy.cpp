#include <algorithm>
#include <cerrno>
#include <linux/fs.h>
#include <memory>
#include <mlci/core/copy.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

namespace mlci {

namespace {

constexpr size_t k_copy_chunk = 64u << 20; // per copy_file_range call
constexpr size_t k_buffer = 1u << 20;      // per read and write

} // namespace

Status copy_fd(int src, int dst, uint64_t size, const fs::path& what,
               const std::function<void(uint64_t)>& moved) {
    auto tell = [&](uint64_t n) {
        if (moved)
            moved(n);
    };
    if (::ioctl(dst, FICLONE, src) == 0) {
        tell(size);
        return {};
    }
    uint64_t done = 0;
    while (done < size) {
        auto n = ::copy_file_range(
            src, nullptr, dst, nullptr,
            static_cast<size_t>(std::min<uint64_t>(size - done, k_copy_chunk)), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // refused, or the end of `src`: the loop below tells which
        done += static_cast<uint64_t>(n);
        tell(static_cast<uint64_t>(n));
    }
    if (done == size)
        return {};
    if (::lseek(src, static_cast<off_t>(done), SEEK_SET) < 0 ||
        ::lseek(dst, static_cast<off_t>(done), SEEK_SET) < 0)
        return sys_error(errno, fmt::format("cannot copy to '{}'", what.string()));
    auto buf = std::make_unique_for_overwrite<char[]>(k_buffer);
    while (done < size) {
        ssize_t n =
            ::read(src, buf.get(), static_cast<size_t>(std::min<uint64_t>(size - done, k_buffer)));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read the source of '{}'", what.string()));
        if (n == 0)
            break;
        MLCI_TRY(write_all(dst, std::string_view(buf.get(), static_cast<size_t>(n)), what));
        done += static_cast<uint64_t>(n);
        tell(static_cast<uint64_t>(n));
    }
    if (done != size)
        return runtime_error("the source of '{}' has {} bytes, expected {}", what.string(), done,
                             size);
    return {};
}

} // namespace mlci
