#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <mlci/core/fd.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <unistd.h>

namespace mlci::hash {

Result<FileHash> sha256_file(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", path.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    auto buf = std::make_unique_for_overwrite<char[]>(k_io_chunk);
    Sha256 sha;
    uint64_t size = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.get(), k_io_chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sys_error(errno, fmt::format("cannot read '{}'", path.string()));
        }
        if (n == 0)
            break;
        sha.update(buf.get(), static_cast<size_t>(n));
        size += static_cast<uint64_t>(n);
    }
    return FileHash{sha.finish(), size};
}

} // namespace mlci::hash
