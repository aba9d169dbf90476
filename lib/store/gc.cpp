#include <mlci/core/fs.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <mlci/store/repack.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace mlci::store {

namespace {

bool older_than(const fs::path& p, std::chrono::seconds age) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0)
        return false;
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::seconds(st.st_mtim.tv_sec) + age <=
           std::chrono::duration_cast<std::chrono::seconds>(now);
}

// The subject of an unreachable blob that is a manifest, if it has one.
std::optional<hash::Digest> subject_of(const Store& store, const hash::Digest& d, uint64_t size) {
    if (size > (4u << 20))
        return {};
    auto text = store.read_blob(d);
    if (!text || text->find("\"subject\"") == std::string::npos)
        return {};
    auto m = parse_manifest(*text, d.str());
    if (!m || !m->subject)
        return {};
    return m->subject->digest;
}

} // namespace

Result<GcReport> gc(Store& store, const GcOptions& options) {
    // A dry run deletes nothing: the writers' shared side lets it run beside
    // them and on a store it may only read.
    MLCI_TRY_ASSIGN(lock, options.dry_run ? store.writer_lock() : store.gc_lock());
    MLCI_TRY_ASSIGN(entries, store.entries());
    GcReport report;
    if (options.retention) {
        // Untagged first, so that what they alone kept is collected in this
        // same run; a dry run only leaves them out of the roots.
        report.retention = plan_retention(entries, *options.retention);
        MLCI_TRY(find_orphans(store, entries, report.retention));
        if (!options.dry_run)
            MLCI_TRY(apply_retention(store, report.retention));
        std::unordered_set<std::string> gone(report.retention.untag.begin(),
                                             report.retention.untag.end());
        std::unordered_set<hash::Digest> orphans(report.retention.orphans.begin(),
                                                 report.retention.orphans.end());
        std::erase_if(entries, [&](const IndexEntry& e) {
            return gone.contains(e.tag) || (e.tag.empty() && orphans.contains(e.descriptor.digest));
        });
    }
    std::vector<Descriptor> roots;
    for (auto& e : entries)
        roots.push_back(e.descriptor);

    std::unordered_set<hash::Digest> live;
    std::vector<hash::Digest> chunk_lists; // live ones, for --repack
    auto mark = [&](const std::vector<Descriptor>& from) {
        return walk(store, from, [&](const Edge& e) {
            if (live.insert(e.digest).second && e.media_type == k_media_chunk_list)
                chunk_lists.push_back(e.digest);
        });
    };
    MLCI_TRY(mark(roots));

    struct Candidate {
        hash::Digest digest;
        fs::path path;
        uint64_t size;
    };
    std::vector<Candidate> dead;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(store.root() / "blobs" / "sha256", ec)) {
        auto name = e.path().filename().string();
        if (is_temp_name(name)) { // a write a kill cut short (older versions wrote blobs here)
            if (older_than(e.path(), options.grace)) {
                if (!options.dry_run)
                    fs::remove(e.path(), ec);
                ++report.temp_files_removed;
            }
            continue;
        }
        auto d = hash::Digest::parse("sha256:" + name);
        if (!d || live.contains(*d))
            continue;
        dead.push_back({*d, e.path(), e.file_size(ec)});
    }
    if (ec)
        return runtime_error("cannot list blobs in '{}': {}", store.root().string(), ec.message());

    // Referrers (signatures, reports) live as long as their subject does;
    // marking one may make another's subject live, so repeat until stable.
    for (bool grew = true; grew;) {
        grew = false;
        std::vector<Descriptor> revived;
        for (auto& c : dead)
            if (!live.contains(c.digest))
                if (auto s = subject_of(store, c.digest, c.size); s && live.contains(*s))
                    revived.push_back({k_oci_manifest, c.digest, c.size, {}, {}, {}});
        if (!revived.empty()) {
            MLCI_TRY(mark(revived));
            grew = true;
        }
    }

    report.kept = live.size();
    for (auto& c : dead) {
        if (live.contains(c.digest) || !older_than(c.path, options.grace))
            continue;
        if (!options.dry_run && ::unlink(c.path.c_str()) != 0 && errno != ENOENT)
            return sys_error(errno, fmt::format("cannot remove '{}'", c.path.string()));
        report.removed.emplace_back(c.digest, c.size);
        report.removed_bytes += c.size;
    }
    // After the dead are gone, so that no chunk is copied into a pack that
    // was about to be deleted.
    if (options.repack) {
        MLCI_TRY_ASSIGN(repacked, repack(store, chunk_lists, options.dry_run));
        report.repack = std::move(repacked);
    }
    // The chunk index and the chunked files' recipes name packs and chunk
    // lists, and a partial mark names a file list: an entry whose blob is
    // gone goes too (the first two are caches; a mark of a list that is gone
    // marks nothing).
    if (!options.dry_run) {
        auto chunks = store.root() / "mlci" / "chunks";
        for (auto& dir : {chunks, chunks / "files", partial_dir(store)})
            for (auto& e : fs::directory_iterator(dir, ec)) {
                auto d = hash::Digest::parse("sha256:" + e.path().filename().string());
                if (!d)
                    continue;
                bool gone = dir == chunks / "files" ? !has_content(store, *d) : !store.has_blob(*d);
                if (gone)
                    fs::remove(e.path(), ec);
            }
    }
    for (auto& e : fs::directory_iterator(store.temp_dir(), ec))
        if (older_than(e.path(), options.grace)) {
            if (!options.dry_run)
                fs::remove(e.path(), ec);
            ++report.temp_files_removed;
        }
    return report;
}

} // namespace mlci::store
