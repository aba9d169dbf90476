#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <mlci/core/copy.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/train/outputs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::train {

namespace {

// Writes `dest` atomically with permission bits `mode`: `fill` writes the
// content into a temporary file next to it, which is then renamed into place.
Status write_into_place(const fs::path& dest, uint32_t mode,
                        const std::function<Status(int fd)>& fill) {
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", dest.parent_path().string(), ec.message());
    auto tmp = temp_path_for(dest);
    UniqueFd dst(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!dst)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.string()));
    auto fail = [&](Error e) {
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    };
    if (auto s = fill(dst.get()); !s)
        return fail(s.error());
    if (::fchmod(dst.get(), mode & 07777) != 0 || ::close(dst.release()) != 0)
        return fail(sys_error(errno, fmt::format("cannot write '{}'", tmp.string())).error());
    // A folder where the file belongs (an old output of another shape) is in
    // the way of rename; it was an output too, so it may go.
    if (fs::is_directory(dest, ec))
        fs::remove_all(dest, ec);
    if (::rename(tmp.c_str(), dest.c_str()) != 0)
        return fail(sys_error(errno, fmt::format("cannot replace '{}'", dest.string())).error());
    return {};
}

} // namespace

Status restore_blob(const store::Store& store, const hash::Digest& digest, uint64_t size,
                    uint32_t mode, const fs::path& dest) {
    auto blob = store.blob_path(digest);
    UniqueFd src(::open(blob.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src) {
        if (errno == ENOENT)
            return usage_error("the store has no blob '{}' for '{}' (it was collected by gc or "
                               "never pulled)",
                               digest.str(), dest.string());
        return sys_error(errno, fmt::format("cannot open blob '{}'", digest.str()));
    }
    struct stat st {};
    if (::fstat(src.get(), &st) != 0 || static_cast<uint64_t>(st.st_size) != size)
        return runtime_error("blob '{}' has the wrong size (run 'mlci verify')", digest.str());
    return write_into_place(dest, mode, [&](int fd) { return copy_fd(src.get(), fd, size, dest); });
}

Status restore_file(const store::Store& store, const store::FileEntry& entry,
                    const fs::path& dest) {
    if (!entry.chunked())
        return restore_blob(store, entry.digest, entry.size, entry.mode, dest);
    return write_into_place(dest, entry.mode,
                            [&](int fd) { return store::write_content(store, entry, fd, dest); });
}

Result<CollectedOutputs> collect_outputs(const store::Store& store, const fs::path& base,
                                         const std::vector<std::string>& declared, unsigned jobs,
                                         data::StatCache* cache) {
    CollectedOutputs out;
    std::vector<data::ScannedFile> files;
    for (auto& d : declared) {
        std::error_code ec;
        auto abs = base / d;
        if (!fs::exists(fs::symlink_status(abs, ec))) {
            out.missing.push_back(d);
            continue;
        }
        MLCI_TRY_ASSIGN(found, data::scan_root(abs, base, jobs));
        files.insert(files.end(), found.begin(), found.end());
    }
    std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.path < b.path; });
    files.erase(
        std::unique(files.begin(), files.end(), [](auto& a, auto& b) { return a.path == b.path; }),
        files.end());
    out.files.resize(files.size());
    std::vector<data::FileStat> stats(files.size());
    // Large outputs in chunks: a fine-tuned model that changed a few tensors
    // stores only the chunks around them.
    MLCI_TRY_ASSIGN(chunks, store::ChunkStore::open(store));
    std::vector<std::optional<store::ChunkedContent>> chunked(files.size());
    MLCI_TRY(parallel_for(files.size(), jobs, [&](size_t i) -> Status {
        MLCI_TRY_ASSIGN(in, data::ingest_file(store, base / files[i].path, files[i].path,
                                              data::IngestMode::copy, chunks.get()));
        out.files[i] = std::move(in.entry);
        stats[i] = in.stat;
        chunked[i] = std::move(in.chunked);
        return {};
    }));
    MLCI_TRY(chunks->finish());
    for (size_t i = 0; i < files.size(); ++i)
        if (chunked[i]) {
            MLCI_TRY_ASSIGN(lists, store::put_chunk_lists(store, *chunks, *chunked[i]));
            out.files[i].chunk_lists = std::move(lists);
        }
    if (cache)
        for (size_t i = 0; i < files.size(); ++i)
            cache->record(out.files[i].path, stats[i], out.files[i].digest);
    return out;
}

Result<RestoreStats> restore_outputs(const store::Store& store, const fs::path& base,
                                     const std::vector<store::FileEntry>& files,
                                     data::StatCache& cache, unsigned jobs) {
    RestoreStats stats;
    std::vector<char> write(files.size(), 0);
    std::vector<std::optional<data::FileStat>> seen(files.size());
    // Deciding is cheap (a stat, a cache lookup); hashing a changed file and
    // copying are not, so both run on all threads.
    MLCI_TRY(parallel_for(files.size(), jobs, [&](size_t i) -> Status {
        auto& f = files[i];
        auto abs = base / f.path;
        auto st = data::stat_file(abs);
        if (!st || st->size != f.size) {
            write[i] = 1;
            return {};
        }
        if (auto d = cache.lookup(f.path, *st); d && *d == f.digest && st->mode == f.mode)
            return {};
        auto h = hash::sha256_file(abs);
        if (!h || h->digest != f.digest) {
            write[i] = 1;
            return {};
        }
        if (st->mode != f.mode && ::chmod(abs.c_str(), f.mode & 07777) != 0)
            return sys_error(errno, fmt::format("cannot chmod '{}'", abs.string()));
        seen[i] = *st;
        return {};
    }));
    MLCI_TRY(parallel_for(files.size(), jobs, [&](size_t i) -> Status {
        if (!write[i])
            return {};
        return restore_file(store, files[i], base / files[i].path);
    }));
    for (size_t i = 0; i < files.size(); ++i) {
        stats.files++;
        stats.bytes += files[i].size;
        if (write[i]) {
            stats.restored++;
            stats.restored_bytes += files[i].size;
            if (auto st = data::stat_file(base / files[i].path))
                cache.record(files[i].path, *st, files[i].digest);
        } else if (seen[i]) {
            if (auto st = data::stat_file(base / files[i].path))
                cache.record(files[i].path, *st, files[i].digest);
        }
    }
    return stats;
}

} // namespace mlci::train
