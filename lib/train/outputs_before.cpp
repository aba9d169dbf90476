#include <algorithm>
#include <cerrno>
#include <ctime>
#include <mlci/core/parallel.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/train/outputs.hpp>
#include <mlci/train/outputs_before.hpp>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace mlci::train {

namespace {

// Timestamps closer than this to the snapshot may share its tick (FAT keeps
// two seconds; others a jiffy): the stat cache's margin too.
constexpr int64_t k_tick_margin_ns = 2'000'000'000;

bool same(const data::FileStat& a, const data::FileStat& b) {
    return a.size == b.size && a.inode == b.inode && a.device == b.device &&
           a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns && a.mode == b.mode;
}

int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

} // namespace

Result<OutputsBefore> OutputsBefore::take(const fs::path& root,
                                          const std::vector<std::string>& declared, unsigned jobs) {
    OutputsBefore b;
    b.m_root = root;
    b.m_taken_ns = now_ns();
    for (auto& d : declared) {
        Output o{d, Kind::absent, {}, {}};
        auto abs = root / d;
        struct stat st {};
        if (::lstat(abs.c_str(), &st) != 0) {
            if (errno != ENOENT && errno != ENOTDIR)
                return sys_error(errno, fmt::format("cannot stat '{}'", abs.string()));
        } else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
            MLCI_TRY_ASSIGN(files, data::scan_root(abs, root, jobs));
            o.kind = S_ISDIR(st.st_mode) ? Kind::folder : Kind::file;
            o.files = std::move(files);
        } else {
            return usage_error("output '{}' is a symbolic link or a special file, which the "
                               "command would write through (remove it, or declare the file or "
                               "folder it points to)",
                               d);
        }
        b.m_outputs.push_back(std::move(o));
    }
    return b;
}

Result<std::vector<hash::Digest>>
OutputsBefore::keep_blobs(const store::Store& store, const hash::Digest& digest,
                          const std::vector<store::BlobRef>& lists, uint64_t size) const {
    std::vector<hash::Digest> blobs;
    if (lists.empty()) {
        blobs.push_back(digest);
    } else {
        // The packs that hold the chunks here: a chunk's home, or the pack
        // a ranged pull or gc --repack put it in (chunk_locator.hpp).
        store::ChunkLocator locator(store);
        std::unordered_set<hash::Digest> packs;
        for (auto& l : lists) {
            blobs.push_back(l.digest);
            MLCI_TRY_ASSIGN(text, store.read_blob(l.digest));
            MLCI_TRY_ASSIGN(list, store::parse_chunk_list(text, l.digest.str()));
            for (auto& c : list.chunks) {
                auto at = locator.locate(list.packs[c.pack].digest, c);
                auto& pack = at ? at->pack : list.packs[c.pack].digest;
                if (packs.insert(pack).second)
                    blobs.push_back(pack);
            }
        }
    }
    // A hard link keeps the content even if gc unlinks the blob while the
    // command runs; blobs are never written in place.
    for (auto& b : blobs) {
        auto kept = m_keep / std::string(b.hex());
        if (::link(store.blob_path(b).c_str(), kept.c_str()) == 0 || errno == EEXIST)
            continue;
        struct stat st {};
        if (::stat(kept.c_str(), &st) != 0 && lists.empty())
            MLCI_TRY(restore_blob(store, b, size, 0444, kept));
    }
    return blobs;
}

Status OutputsBefore::keep_content(const store::Store& store, data::StatCache& cache,
                                   const fs::path& keep, unsigned jobs) {
    std::vector<std::pair<size_t, size_t>> all; // (output, file)
    for (size_t i = 0; i < m_outputs.size(); ++i) {
        m_outputs[i].digests.resize(m_outputs[i].files.size());
        m_outputs[i].chunk_lists.resize(m_outputs[i].files.size());
        for (size_t j = 0; j < m_outputs[i].files.size(); ++j)
            all.emplace_back(i, j);
    }
    std::error_code ec;
    fs::create_directories(keep, ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", keep.string(), ec.message());
    // gc must not take a blob between its ingest and its link below.
    MLCI_TRY_ASSIGN(lock, store.writer_lock());
    std::vector<std::optional<data::FileStat>> read(all.size());
    m_keep = keep;
    // A large file is kept in chunks: the outputs of an earlier run are
    // mostly chunks the store has, so keeping them costs little.
    MLCI_TRY_ASSIGN(chunks, store::ChunkStore::open(store));
    std::vector<std::optional<store::ChunkedContent>> chunked(all.size());
    MLCI_TRY(parallel_for(all.size(), jobs, [&](size_t k) -> Status {
        auto& [i, j] = all[k];
        auto& f = m_outputs[i].files[j];
        auto& digest = m_outputs[i].digests[j];
        auto& lists = m_outputs[i].chunk_lists[j];
        if (auto d = cache.lookup(f.path, f.stat); d && store.has_blob(*d)) {
            digest = *d;
        } else if (auto known = d ? store::chunked_content(store, *d) : std::nullopt;
                   known && store::has_content(store, *d)) {
            digest = *d;
            lists = std::move(*known);
        } else {
            MLCI_TRY_ASSIGN(in, data::ingest_file(store, m_root / f.path, f.path,
                                                  data::IngestMode::copy, chunks.get()));
            digest = in.entry.digest;
            chunked[k] = std::move(in.chunked);
            // The kept content is what was read: its identity is the stat
            // taken after the read.
            f.stat = in.stat;
            read[k] = in.stat;
        }
        return {};
    }));
    MLCI_TRY(chunks->finish());
    for (size_t k = 0; k < all.size(); ++k) {
        auto& [i, j] = all[k];
        auto& lists = m_outputs[i].chunk_lists[j];
        if (chunked[k]) {
            MLCI_TRY_ASSIGN(made, store::put_chunk_lists(store, *chunks, *chunked[k]));
            lists = std::move(made);
        }
        MLCI_TRY(
            keep_blobs(store, m_outputs[i].digests[j], lists, m_outputs[i].files[j].stat.size));
    }
    for (size_t k = 0; k < all.size(); ++k)
        if (read[k])
            cache.record(m_outputs[all[k].first].files[all[k].second].path, *read[k],
                         m_outputs[all[k].first].digests[all[k].second]);
    m_keep = keep;
    m_store = &store;
    return {};
}

Result<bool> OutputsBefore::unchanged(const std::string& path, unsigned jobs) const {
    auto it = std::find_if(m_outputs.begin(), m_outputs.end(),
                           [&](const Output& o) { return o.path == path; });
    if (it == m_outputs.end() || it->kind == Kind::absent)
        return false;
    auto abs = m_root / path;
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0)
        return false;
    if (it->kind == Kind::file ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode))
        return false;
    auto now = data::scan_root(abs, m_root, jobs);
    if (!now)
        return false; // changed into something collecting will refuse
    if (now->size() != it->files.size())
        return false;
    for (size_t j = 0; j < now->size(); ++j)
        if ((*now)[j].path != it->files[j].path || !same((*now)[j].stat, it->files[j].stat))
            return false;
    // Same identities. A file whose times fall within a tick of the snapshot
    // could have been rewritten in that tick without a visible change of time:
    // its content decides when it was kept.
    for (size_t j = 0; j < it->files.size() && j < it->digests.size(); ++j) {
        auto& s = it->files[j].stat;
        if (std::max(s.mtime_ns, s.ctime_ns) + k_tick_margin_ns < m_taken_ns)
            continue;
        MLCI_TRY_ASSIGN(h, hash::sha256_file(m_root / it->files[j].path));
        if (h.digest != it->digests[j])
            return false;
    }
    return true;
}

Status OutputsBefore::put_back() const {
    if (!m_store)
        return {};
    std::optional<Error> first;
    auto note = [&](const std::string& path, const Error& e) {
        if (!first)
            first =
                Error{e.code, fmt::format("cannot put back '{}' as it was: {}", path, e.message)};
    };
    for (auto& o : m_outputs) {
        if (o.kind == Kind::absent)
            continue;
        auto abs = m_root / o.path;
        std::error_code ec;
        if (o.kind == Kind::folder) {
            struct stat st {};
            if (::lstat(abs.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
                ::unlink(abs.c_str()); // a file where the folder was
            // Files the command added to the folder go; folders are left, and
            // nested .git and .mlci folders (which scans skip) are not entered.
            std::unordered_set<std::string> had;
            for (auto& f : o.files)
                had.insert(f.path);
            std::vector<fs::path> added;
            fs::recursive_directory_iterator walk(abs, ec), end;
            for (; !ec && walk != end; walk.increment(ec)) {
                auto& entry = *walk;
                auto name = entry.path().filename();
                if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
                    if (name == ".git" || name == ".mlci")
                        walk.disable_recursion_pending();
                    continue;
                }
                auto rel = entry.path().lexically_relative(m_root).generic_string();
                if (!had.contains(rel))
                    added.push_back(entry.path());
            }
            for (auto& p : added)
                fs::remove(p, ec);
        }
        for (size_t j = 0; j < o.files.size() && j < o.digests.size(); ++j) {
            auto& f = o.files[j];
            auto now = data::stat_file(m_root / f.path);
            if (now && same(*now, f.stat))
                continue;
            // gc may have taken blobs meanwhile: the kept links bring them back.
            auto& digest = o.digests[j];
            auto needed = keep_blobs(*m_store, digest, o.chunk_lists[j], f.stat.size);
            if (needed)
                for (auto& b : *needed)
                    if (!m_store->has_blob(b))
                        ::link((m_keep / std::string(b.hex())).c_str(),
                               m_store->blob_path(b).c_str());
            store::FileEntry entry{f.path, f.stat.size, f.stat.mode, digest, o.chunk_lists[j]};
            if (auto s = restore_file(*m_store, entry, m_root / f.path); !s)
                note(f.path, s.error());
        }
    }
    if (first)
        return std::unexpected(*first);
    return {};
}

} // namespace mlci::train
