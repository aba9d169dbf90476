#include <cerrno>
#include <fcntl.h>
#include <future>
#include <memory>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::store {

struct BlobWriter::Impl {
    const Store* store = nullptr;
    fs::path temp;
    UniqueFd fd;
    hash::Sha256 sha;
    uint64_t size = 0;
    uint64_t flushed = 0; // bytes whose writeback has been started
    bool done = false;
    std::optional<hash::Digest> expected; // commit_verified's digest
};

namespace {

// Starts writeback of what was written since the last call, without waiting:
// the disk writes while we hash, so the one sync at the end has little left.
void start_writeback(int fd, uint64_t& flushed, uint64_t size) {
    constexpr uint64_t k_window = 8u << 20;
    if (size - flushed < k_window)
        return;
    ::sync_file_range(fd, static_cast<off64_t>(flushed), static_cast<off64_t>(size - flushed),
                      SYNC_FILE_RANGE_WRITE);
    flushed = size;
}

} // namespace

BlobWriter::BlobWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
BlobWriter::BlobWriter(BlobWriter&&) noexcept = default;
BlobWriter& BlobWriter::operator=(BlobWriter&&) noexcept = default;

BlobWriter::~BlobWriter() {
    if (m_impl && !m_impl->done)
        ::unlink(m_impl->temp.c_str());
}

Result<Descriptor> BlobWriter::commit_verified(const hash::Digest& expected, std::string media_type,
                                               bool* existed) {
    m_impl->expected = expected;
    return commit(std::move(media_type), existed);
}

uint64_t BlobWriter::size() const {
    return m_impl->size;
}

Result<BlobWriter> Store::begin_blob() const {
    auto impl = std::make_unique<BlobWriter::Impl>();
    impl->store = this;
    impl->temp = temp_path_for(temp_dir() / "blob");
    impl->fd.reset(::open(impl->temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!impl->fd)
        return sys_error(errno, fmt::format("cannot create '{}'", impl->temp.string()));
    return BlobWriter(std::move(impl));
}

Status BlobWriter::write(const void* data, size_t size) {
    m_impl->sha.update(data, size);
    m_impl->size += size;
    MLCI_TRY(write_all(m_impl->fd.get(), std::string_view(static_cast<const char*>(data), size),
                       m_impl->temp));
    start_writeback(m_impl->fd.get(), m_impl->flushed, m_impl->size);
    return {};
}

Status BlobWriter::write_from(int fd, const fs::path& source) {
    auto read_some = [&](char* buf, size_t cap) -> Result<size_t> {
        for (;;) {
            ssize_t n = ::read(fd, buf, cap);
            if (n >= 0)
                return static_cast<size_t>(n);
            if (errno != EINTR)
                return sys_error(errno, fmt::format("cannot read '{}'", source.string()));
        }
    };
    struct stat st {};
    constexpr size_t k_small = 1 << 20, k_chunk = 4 << 20;
    if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < 4 * k_chunk) {
        thread_local auto buf = std::make_unique_for_overwrite<char[]>(k_small);
        for (;;) {
            MLCI_TRY_ASSIGN(n, read_some(buf.get(), k_small));
            if (n == 0)
                return {};
            MLCI_TRY(write(buf.get(), n));
        }
    }
    // Two buffers: chunk i is read and hashed into one while chunk i-1 is
    // written from the other. What is written is exactly what was hashed.
    auto& s = *m_impl;
    std::unique_ptr<char[]> bufs[2] = {std::make_unique_for_overwrite<char[]>(k_chunk),
                                       std::make_unique_for_overwrite<char[]>(k_chunk)};
    std::future<Status> writing;
    auto finish_writing = [&]() -> Status { return writing.valid() ? writing.get() : Status{}; };
    for (size_t i = 0;; ++i) {
        char* buf = bufs[i % 2].get();
        auto n = read_some(buf, k_chunk);
        if (!n || *n == 0) {
            auto written = finish_writing();
            if (!n)
                return std::unexpected(n.error());
            return written;
        }
        s.sha.update(buf, *n);
        MLCI_TRY(finish_writing());
        writing = std::async(std::launch::async, [&s, buf, size = *n]() -> Status {
            MLCI_TRY(write_all(s.fd.get(), std::string_view(buf, size), s.temp));
            s.size += size;
            start_writeback(s.fd.get(), s.flushed, s.size);
            return {};
        });
    }
}

Result<Descriptor> BlobWriter::commit(std::string media_type, bool* existed) {
    auto& s = *m_impl;
    auto digest = s.sha.finish();
    if (::close(s.fd.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", s.temp.string()));
    if (s.expected && *s.expected != digest) {
        ::unlink(s.temp.c_str());
        s.done = true;
        return runtime_error("content for '{}' does not match its digest (it hashes to '{}')",
                             s.expected->str(), digest.str());
    }
    auto target = s.store->blob_path(digest);
    Descriptor desc{std::move(media_type), digest, s.size, {}, {}, {}};
    bool present = s.store->has_blob(digest);
    if (existed)
        *existed = present;
    if (present) {
        s.store->freshen(digest);
        ::unlink(s.temp.c_str());
    } else if (::rename(s.temp.c_str(), target.c_str()) != 0) {
        int err = errno;
        ::unlink(s.temp.c_str());
        s.done = true;
        return sys_error(err, fmt::format("cannot move blob into '{}'", target.string()));
    }
    s.done = true;
    return desc;
}

} // namespace mlci::store
