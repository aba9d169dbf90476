#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <mlci/core/copy.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/privilege.hpp>
#include <mlci/core/temp_file.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/hash/file_hash.hpp>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::data {

namespace {

Result<Ingested> ingest_copy(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path, store::ChunkStore* chunks = nullptr,
                             const std::function<void(uint64_t)>& on_bytes = {}) {
    UniqueFd fd(::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", abs_path.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    struct stat opened {};
    if (chunks && ::fstat(fd.get(), &opened) == 0 &&
        static_cast<uint64_t>(opened.st_size) >= store::k_chunk_threshold) {
        MLCI_TRY_ASSIGN(content, store::chunk_file(*chunks, fd.get(), abs_path, on_bytes));
        MLCI_TRY_ASSIGN(st, stat_file(abs_path));
        Ingested in{{rel_path, content.size, st.mode, content.digest}, st, content.new_bytes > 0};
        in.new_bytes = content.new_bytes;
        in.chunked = std::move(content);
        return in;
    }
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    MLCI_TRY(writer.write_from(fd.get(), abs_path));
    MLCI_TRY_ASSIGN(st, stat_file(abs_path));
    // Blobs of a dataset are described by the file list, not by a media type.
    bool existed = false;
    MLCI_TRY_ASSIGN(desc, writer.commit("application/octet-stream", &existed));
    Ingested in{{rel_path, desc.size, st.mode, desc.digest}, st, !existed};
    in.new_bytes = existed ? 0 : desc.size;
    return in;
}

bool same_file_state(const FileStat& a, const FileStat& b) {
    return a.inode == b.inode && a.device == b.device && a.size == b.size &&
           a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns;
}

// Gives the workspace file an inode of its own: a copy of it, with its mode,
// renamed over it, and only while it is still as `before` saw it, so that an
// edit made meanwhile is never overwritten.
Status unshare_inode(const fs::path& abs_path, const FileStat& before) {
    UniqueFd src(::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!src)
        return sys_error(errno, fmt::format("cannot open '{}'", abs_path.string()));
    TempFile tmp(abs_path);
    UniqueFd dst(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!dst)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.path().string()));
    MLCI_TRY(copy_fd(src.get(), dst.get(), before.size, abs_path));
    if (::fchmod(dst.get(), before.mode) != 0 || ::close(dst.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", tmp.path().string()));
    auto now = stat_file(abs_path);
    if (!now || !same_file_state(*now, before))
        return {};
    if (int err = tmp.rename_to(abs_path); err != 0)
        return sys_error(err, fmt::format("cannot replace '{}'", abs_path.string()));
    return {};
}

// Makes `abs_path` a hard link to the blob, so the workspace and the store
// share one copy; the blob is read-only so an edit in place cannot change it.
// Only for an unprivileged owner of the file on the store's file system;
// otherwise the workspace file is left as it is (the store has its content).
Status share_with_blob(const store::Store& store, const fs::path& blob, const fs::path& abs_path,
                       const FileStat& before) {
    struct stat bst {};
    if (::stat(blob.c_str(), &bst) != 0 || static_cast<uint64_t>(bst.st_ino) == before.inode ||
        static_cast<uint64_t>(bst.st_dev) != before.device)
        return {};
    struct stat st {};
    if (::stat(abs_path.c_str(), &st) != 0 || st.st_uid != ::geteuid())
        return {};
    // The new link is made in the store's temporary folder (the same file
    // system: checked above), so that a kill before the rename leaves
    // nothing among the user's files.
    auto tmp = temp_path_for(store.temp_dir() / abs_path.filename());
    if (::link(blob.c_str(), tmp.c_str()) != 0)
        return {}; // a saving missed, nothing lost
    auto now = stat_file(abs_path);
    if (!now || !same_file_state(*now, before)) {
        ::unlink(tmp.c_str());
        return {};
    }
    if (::rename(tmp.c_str(), abs_path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return sys_error(err, fmt::format("cannot replace '{}'", abs_path.string()));
    }
    return {};
}

// A reflink of the file into the store's temporary folder, hashed from the
// clone (a snapshot, so a write to the workspace meanwhile cannot make the
// blob differ from its digest), then renamed into place. Nothing when the
// file system cannot clone.
Result<std::optional<Ingested>> ingest_reflink(const store::Store& store, const fs::path& abs_path,
                                               const std::string& rel_path) {
    UniqueFd src(::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!src)
        return sys_error(errno, fmt::format("cannot open '{}'", abs_path.string()));
    MLCI_TRY_ASSIGN(before, stat_file(abs_path));
    TempFile tmp(store.temp_dir() / "blob");
    UniqueFd dst(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!dst)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.path().string()));
    if (::ioctl(dst.get(), FICLONE, src.get()) != 0)
        return std::optional<Ingested>();
    if (::close(dst.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", tmp.path().string()));
    MLCI_TRY_ASSIGN(h, hash::sha256_file(tmp.path()));
    Ingested in{{rel_path, h.size, before.mode, h.digest}, before, false};
    if (store.has_blob(h.digest)) {
        store.freshen(h.digest);
        return std::optional(in);
    }
    auto blob = store.blob_path(h.digest);
    if (int err = tmp.rename_to(blob); err != 0)
        return sys_error(err, fmt::format("cannot move a blob into '{}'", blob.string()));
    in.new_blob = true;
    return std::optional(in);
}

// Copies the file into the store as --link's fallback. Root's own hard link
// from an earlier add (or an older mlci) is undone: the workspace file gets
// its own inode, so that writing to it cannot reach the stored version.
Result<Ingested> ingest_copy_instead(const store::Store& store, const fs::path& abs_path,
                                     const std::string& rel_path, LinkFallback why) {
    MLCI_TRY_ASSIGN(in, ingest_copy(store, abs_path, rel_path));
    in.fallback = why;
    if (why != LinkFallback::privileged)
        return in;
    struct stat bst {};
    auto blob = store.blob_path(in.entry.digest);
    if (::stat(blob.c_str(), &bst) == 0 && static_cast<uint64_t>(bst.st_ino) == in.stat.inode &&
        static_cast<uint64_t>(bst.st_dev) == in.stat.device) {
        // Stat again: storing the content freshened the blob, that is the file.
        MLCI_TRY_ASSIGN(now, stat_file(abs_path));
        MLCI_TRY(unshare_inode(abs_path, now));
        MLCI_TRY_ASSIGN(after, stat_file(abs_path));
        in.stat = after;
    }
    return in;
}

// Hard-links a new blob to the workspace file. The file is made read-only
// only once the link exists, so a failure leaves it as it was.
Result<Ingested> ingest_hard_link(const store::Store& store, const fs::path& abs_path,
                                  const std::string& rel_path) {
    MLCI_TRY_ASSIGN(h, hash::sha256_file(abs_path));
    MLCI_TRY_ASSIGN(before, stat_file(abs_path));
    auto blob = store.blob_path(h.digest);
    Ingested in{{rel_path, h.size, before.mode, h.digest}, before, false};
    if (store.has_blob(h.digest)) {
        store.freshen(h.digest);
        MLCI_TRY(share_with_blob(store, blob, abs_path, before));
        MLCI_TRY_ASSIGN(after, stat_file(abs_path));
        in.stat = after;
        return in;
    }
    struct stat st {};
    if (::stat(abs_path.c_str(), &st) != 0)
        return sys_error(errno, fmt::format("cannot stat '{}'", abs_path.string()));
    // Only the owner can make the file read-only.
    if (st.st_uid != ::geteuid())
        return ingest_copy_instead(store, abs_path, rel_path, LinkFallback::not_linkable);
    if (::link(abs_path.c_str(), blob.c_str()) != 0) {
        int err = errno;
        if (err == EEXIST) // another add stored the same content meanwhile
            return in;
        if (err == EXDEV)
            return ingest_copy_instead(store, abs_path, rel_path, LinkFallback::other_file_system);
        if (err == EPERM || err == EMLINK || err == ENOTSUP || err == EOPNOTSUPP)
            return ingest_copy_instead(store, abs_path, rel_path, LinkFallback::not_linkable);
        return sys_error(err, fmt::format("cannot link '{}' into the store", abs_path.string()));
    }
    in.new_blob = true;
    if (::chmod(abs_path.c_str(), before.mode & 0555) != 0) {
        int err = errno;
        // The blob must not stay an inode the user can write: the link goes.
        ::unlink(blob.c_str());
        return sys_error(err, fmt::format("cannot make '{}' read-only", abs_path.string()));
    }
    MLCI_TRY_ASSIGN(after, stat_file(abs_path));
    in.stat = after;
    return in;
}

Result<Ingested> ingest_link(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path) {
    MLCI_TRY_ASSIGN(cloned, ingest_reflink(store, abs_path, rel_path));
    if (cloned)
        return std::move(*cloned);
    if (overrides_file_permissions())
        return ingest_copy_instead(store, abs_path, rel_path, LinkFallback::privileged);
    return ingest_hard_link(store, abs_path, rel_path);
}

} // namespace

Result<Ingested> ingest_file(const store::Store& store, const fs::path& abs_path,
                             const std::string& rel_path, IngestMode mode,
                             store::ChunkStore* chunks,
                             const std::function<void(uint64_t)>& on_bytes) {
    if (mode == IngestMode::copy)
        return ingest_copy(store, abs_path, rel_path, chunks, on_bytes);
    MLCI_TRY_ASSIGN(in, ingest_link(store, abs_path, rel_path));
    if (in.new_blob)
        in.new_bytes = in.entry.size;
    return in;
}

} // namespace mlci::data
