#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci {

Result<std::string> read_file(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", path.string()));
    std::string out;
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0)
        out.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sys_error(errno, fmt::format("cannot read '{}'", path.string()));
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

Status pread_all(int fd, void* buf, size_t size, uint64_t offset, const fs::path& what) {
    auto* p = static_cast<char*>(buf);
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, p + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read '{}'", what.string()));
        if (n == 0)
            return runtime_error("'{}' ends before byte {}", what.string(), offset + size);
        done += static_cast<size_t>(n);
    }
    return {};
}

Status write_all(int fd, std::string_view data, const fs::path& what) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sys_error(errno, fmt::format("cannot write '{}'", what.string()));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

fs::path temp_path_for(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937_64 rng{std::random_device{}()};
    auto name = fmt::format(".{}.tmp-{}-{}-{:x}", target.filename().string(), ::getpid(),
                            counter.fetch_add(1), rng() & 0xffffff);
    return target.parent_path() / name;
}

bool is_temp_name(std::string_view filename) {
    return filename.starts_with('.') && filename.find(".tmp-") != std::string_view::npos;
}

Status sync_dir(const fs::path& dir) {
    UniqueFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open directory '{}'", dir.string()));
    if (::fsync(fd.get()) != 0)
        return sys_error(errno, fmt::format("cannot sync directory '{}'", dir.string()));
    return {};
}

Status write_file_atomic(const fs::path& path, std::string_view data, bool durable, unsigned mode) {
    return write_file_atomic_via(path.parent_path(), path, data, durable, mode);
}

Status write_file_atomic_via(const fs::path& temp_dir, const fs::path& path, std::string_view data,
                             bool durable, unsigned mode) {
    auto tmp = temp_path_for(temp_dir / path.filename());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.string()));
    auto fail = [&](Error e) {
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    };
    if (auto w = write_all(fd.get(), data, path); !w)
        return fail(w.error());
    if (durable && ::fsync(fd.get()) != 0)
        return fail(sys_error(errno, fmt::format("cannot sync '{}'", path.string())).error());
    if (::close(fd.release()) != 0)
        return fail(sys_error(errno, fmt::format("cannot write '{}'", path.string())).error());
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return fail(sys_error(errno, fmt::format("cannot replace '{}'", path.string())).error());
    if (durable)
        return sync_dir(path.parent_path());
    return {};
}

fs::path relative_inside(const fs::path& path, const fs::path& base) {
    auto rel = path.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || *rel.begin() == "..")
        return {};
    return rel;
}

} // namespace mlci
