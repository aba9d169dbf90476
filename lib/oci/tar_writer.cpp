#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <mlci/core/archive.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/oci/tar_writer.hpp>
#include <mlci/store/file_list.hpp>
#include <optional>
#include <set>
#include <unistd.h>
#include <vector>

namespace mlci::oci {

namespace {

constexpr size_t k_read_chunk = 1 << 20;

la_ssize_t write_callback(archive*, void* client, const void* data, size_t size);

} // namespace

struct TarStream::Impl {
    ByteSink sink;
    std::optional<Error> sink_error; // the first error the sink returned (libarchive sees -1)
    ArchiveWriter a;
    ArchiveEntry entry;
    int64_t mtime = 0;
    std::vector<char> buf;

    Error failure(std::string_view what) const {
        if (sink_error)
            return *sink_error;
        return Error{Exit::runtime, fmt::format("cannot write tar entry '{}': {}", what,
                                                archive_error_text(a.get()))};
    }

    Status header(std::string_view path, bool dir, uint64_t size, bool executable) {
        auto* e = entry.get();
        archive_entry_clear(e);
        std::string name(path);
        if (dir && !name.ends_with('/'))
            name += '/';
        // The name's bytes as they are (paths are UTF-8 here). Not
        // set_pathname_utf8: libarchive 3.6's pax writer crashes on a
        // non-ASCII name given only as UTF-8 in the C locale.
        archive_entry_copy_pathname(e, name.c_str());
        archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, dir || executable ? 0755 : 0644);
        archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(size));
        archive_entry_set_mtime(e, static_cast<time_t>(mtime), 0);
        archive_entry_set_uid(e, 0);
        archive_entry_set_gid(e, 0);
        // A name that does not fit the locale's charset is still written,
        // as raw bytes in a pax header; libarchive says so with a warning.
        if (archive_write_header(a.get(), e) < ARCHIVE_WARN)
            return std::unexpected(failure(path));
        return {};
    }

    Status data(std::string_view path, const void* d, size_t n) {
        if (archive_write_data(a.get(), d, n) != static_cast<la_ssize_t>(n))
            return std::unexpected(failure(path));
        return {};
    }
};

namespace {

la_ssize_t write_callback(archive*, void* client, const void* data, size_t size) {
    auto* impl = static_cast<TarStream::Impl*>(client);
    if (auto s = impl->sink(data, size); !s) {
        if (!impl->sink_error)
            impl->sink_error = s.error();
        return -1;
    }
    return static_cast<la_ssize_t>(size);
}

} // namespace

TarStream::TarStream(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TarStream::TarStream(TarStream&&) noexcept = default;
TarStream& TarStream::operator=(TarStream&&) noexcept = default;
TarStream::~TarStream() = default;

Result<TarStream> TarStream::open(ByteSink sink, int64_t mtime, bool blocked) {
    auto impl = std::make_unique<Impl>();
    impl->sink = std::move(sink);
    impl->mtime = mtime;
    impl->a.reset(archive_write_new());
    impl->entry.reset(archive_entry_new());
    if (!impl->a || !impl->entry)
        return runtime_error("out of memory");
    auto* a = impl->a.get();
    // Unblocked, writes go straight to the sink and the end is not padded
    // to 10 KiB records, which layers do not need.
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        (!blocked && archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK) ||
        archive_write_open(a, impl.get(), nullptr, write_callback, nullptr) != ARCHIVE_OK)
        return std::unexpected(impl->failure("(start)"));
    return TarStream(std::move(impl));
}

Status TarStream::add_directory(std::string_view path) {
    return m_impl->header(path, true, 0, false);
}

Status TarStream::add_bytes(std::string_view path, std::string_view data) {
    MLCI_TRY(m_impl->header(path, false, data.size(), false));
    return m_impl->data(path, data.data(), data.size());
}

Status TarStream::add_stream(std::string_view path, uint64_t size, const Producer& produce) {
    MLCI_TRY(m_impl->header(path, false, size, false));
    uint64_t done = 0;
    MLCI_TRY(produce([&](const void* d, size_t n) -> Status {
        if (done + n > size)
            return runtime_error("'{}' is longer than the {} bytes expected", path, size);
        done += n;
        return m_impl->data(path, d, n);
    }));
    if (done != size)
        return runtime_error("'{}' is shorter than the {} bytes expected", path, size);
    return {};
}

Status TarStream::add_file(std::string_view path, const fs::path& source, uint64_t size,
                           bool executable) {
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", source.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    MLCI_TRY(m_impl->header(path, false, size, executable));
    auto& buf = m_impl->buf;
    buf.resize(k_read_chunk);
    uint64_t done = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read '{}'", source.string()));
        if (n == 0 || done + static_cast<uint64_t>(n) > size)
            break; // the end, or the file grew: reported below
        MLCI_TRY(m_impl->data(path, buf.data(), static_cast<size_t>(n)));
        done += static_cast<uint64_t>(n);
    }
    if (done != size || ::lseek(fd.get(), 0, SEEK_END) != static_cast<off_t>(size))
        return runtime_error("'{}' changed size while it was packaged (expected {} bytes)",
                             source.string(), size);
    return {};
}

Status TarStream::add_content(std::string_view path, const ContentSource& content, uint64_t size,
                              bool executable) {
    MLCI_TRY(m_impl->header(path, false, size, executable));
    uint64_t done = 0;
    MLCI_TRY(content([&](const void* data, size_t n) -> Status {
        if (done + n > size)
            return runtime_error("'{}' has more than the {} bytes it was listed with", path, size);
        done += n;
        return m_impl->data(path, data, n);
    }));
    if (done != size)
        return runtime_error("'{}' has {} bytes, not the {} it was listed with", path, done, size);
    return {};
}

Status TarStream::close() {
    if (archive_write_close(m_impl->a.get()) != ARCHIVE_OK)
        return std::unexpected(m_impl->failure("(end)"));
    return {};
}

TarEntry tar_directory(std::string path) {
    TarEntry e;
    e.path = std::move(path);
    e.directory = true;
    return e;
}

Result<std::vector<TarEntry>> normalise_entries(std::vector<TarEntry> entries) {
    std::set<std::string> dirs;
    for (auto& e : entries) {
        while (e.path.ends_with('/'))
            e.path.pop_back();
        if (!store::is_safe_relative_path(e.path))
            return usage_error("invalid path '{}' in a layer (it must be relative, without "
                               "'..' or empty parts)",
                               e.path);
        for (auto slash = e.path.find('/'); slash != std::string::npos;
             slash = e.path.find('/', slash + 1))
            dirs.insert(e.path.substr(0, slash));
    }
    std::erase_if(entries, [&](const TarEntry& e) {
        if (!e.directory)
            return false;
        dirs.insert(e.path);
        return true;
    });
    for (auto& d : dirs)
        entries.push_back(tar_directory(d));
    std::sort(entries.begin(), entries.end(),
              [](const TarEntry& a, const TarEntry& b) { return a.path < b.path; });
    for (size_t i = 1; i < entries.size(); ++i)
        if (entries[i].path == entries[i - 1].path)
            return usage_error("'{}' is given twice for one layer", entries[i].path);
    return entries;
}

uint64_t estimated_tar_size(const std::vector<TarEntry>& entries) {
    uint64_t n = 1024; // the two zero blocks that end a tar
    for (auto& e : entries)
        n += 512 + (e.directory ? 0 : (e.size + 511) / 512 * 512);
    return n;
}

Status write_tar(std::vector<TarEntry> entries, int64_t mtime, const ByteSink& sink) {
    MLCI_TRY_ASSIGN(sorted, normalise_entries(std::move(entries)));
    MLCI_TRY_ASSIGN(tar, TarStream::open(sink, mtime));
    for (auto& e : sorted) {
        if (e.directory)
            MLCI_TRY(tar.add_directory(e.path));
        else if (e.content)
            MLCI_TRY(tar.add_content(e.path, e.content, e.size, e.executable));
        else
            MLCI_TRY(tar.add_file(e.path, e.source, e.size, e.executable));
    }
    return tar.close();
}

} // namespace mlci::oci
