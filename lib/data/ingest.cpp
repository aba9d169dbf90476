#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/hash/file_hash.hpp>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::data {

namespace {

Result<Ingested> ingest_copy(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path) {
    UniqueFd fd(::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", abs_path.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    MLCI_TRY(writer.write_from(fd.get(), abs_path));
    MLCI_TRY_ASSIGN(st, stat_file(abs_path));
    // Blobs of a dataset are described by the file list, not by a media type.
    bool existed = false;
    MLCI_TRY_ASSIGN(desc, writer.commit("application/octet-stream", &existed));
    return Ingested{{rel_path, desc.size, st.mode, desc.digest}, st, !existed};
}

// Makes `abs_path` a hard link to the blob, so the workspace and the store
// share one copy; read-only so an edit in place cannot change the blob.
Status replace_with_link(const fs::path& blob, const fs::path& abs_path) {
    auto tmp = temp_path_for(abs_path);
    if (::link(blob.c_str(), tmp.c_str()) != 0)
        return sys_error(errno, fmt::format("cannot link '{}'", abs_path.string()));
    if (::rename(tmp.c_str(), abs_path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return sys_error(err, fmt::format("cannot replace '{}'", abs_path.string()));
    }
    return {};
}

Result<Ingested> ingest_link(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path) {
    MLCI_TRY_ASSIGN(h, hash::sha256_file(abs_path));
    MLCI_TRY_ASSIGN(before, stat_file(abs_path));
    auto blob = store.blob_path(h.digest);
    bool new_blob = !store.has_blob(h.digest);
    if (new_blob) {
        auto tmp = temp_path_for(store.temp_dir() / "blob");
        bool placed = false;
        // A reflink shares extents copy-on-write: the workspace stays writable.
        UniqueFd src(::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC));
        UniqueFd dst(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
        if (src && dst && ::ioctl(dst.get(), FICLONE, src.get()) == 0)
            placed = ::rename(tmp.c_str(), blob.c_str()) == 0;
        if (!placed) {
            ::unlink(tmp.c_str());
            if (::chmod(abs_path.c_str(), before.mode & 0555) != 0)
                return sys_error(errno,
                                 fmt::format("cannot make '{}' read-only", abs_path.string()));
            if (::link(abs_path.c_str(), blob.c_str()) != 0 && errno != EEXIST)
                return sys_error(errno,
                                 fmt::format("cannot link '{}' into the store (try without "
                                             "--link when the store is on another file system)",
                                             abs_path.string()));
        }
    } else {
        store.freshen(h.digest);
        struct stat bst {};
        if (::stat(blob.c_str(), &bst) == 0 && bst.st_ino != before.inode)
            MLCI_TRY(replace_with_link(blob, abs_path));
    }
    MLCI_TRY_ASSIGN(after, stat_file(abs_path));
    return Ingested{{rel_path, h.size, before.mode, h.digest}, after, new_blob};
}

} // namespace

Result<Ingested> ingest_file(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path, IngestMode mode) {
    return mode == IngestMode::copy ? ingest_copy(store, abs_path, rel_path)
                                    : ingest_link(store, abs_path, rel_path);
}

} // namespace mlci::data
