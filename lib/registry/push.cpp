#include <mlci/core/parallel.hpp>
#include <mlci/registry/fetch_blob.hpp>
#include <mlci/registry/known_remotes.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/registry/transfer.hpp>
#include <mlci/store/media_types.hpp>
#include <mutex>
#include <unordered_set>

namespace mlci::registry {

namespace {

class Pusher {
public:
    // Pushes what `artifact` (a tag's root) needs.
    Pusher(const store::Store& store, Remote& remote, const PushOptions& options,
           const Reporter& reporter, PushReport& report, const hash::Digest& artifact)
        : m_store(store), m_remote(remote), m_options(options), m_reporter(reporter),
          m_report(report), m_artifact(artifact) {
        m_stats.on_bytes = [this](uint64_t n) {
            m_bytes += n;
            progress();
        };
    }

    // Pushes the artifact `root` and its referrers, all by digest.
    Status push_tree(const store::Descriptor& root, int depth) {
        if (!m_visited.insert(root.digest).second)
            return {};
        MLCI_TRY_ASSIGN(plan, plan_artifact(m_store, root));
        // A manifest the remote has comes with its blobs (registries check
        // them when a manifest is pushed; we push blobs first): skip them.
        MLCI_TRY_ASSIGN(root_present, m_remote.has_manifest(root.digest));
        std::vector<bool> present(plan.size(), root_present);
        std::vector<store::Descriptor> needed;
        for (size_t i = 0; i < plan.size(); ++i) {
            if (!root_present && i + 1 < plan.size()) {
                MLCI_TRY_ASSIGN(p, m_remote.has_manifest(plan[i].desc.digest));
                present[i] = p;
            }
            if (present[i])
                m_report.blobs_present += plan[i].blobs.size();
            else
                needed.insert(needed.end(), plan[i].blobs.begin(), plan[i].blobs.end());
        }
        // File lists' blobs: present when their blob index manifest is.
        std::vector<std::pair<hash::Digest, RawManifest>> blob_indexes; // subject, manifest
        for (auto& mp : plan) {
            for (auto& f : mp.files)
                if (f.media_type == store::k_media_pack)
                    m_packs.insert(f.digest);
            for (auto& bi : blob_index_manifests(mp.desc, mp.files))
                blob_indexes.emplace_back(mp.desc.digest, std::move(bi));
        }
        // One HEAD per 1000 files, in parallel: what makes re-pushing a big dataset fast.
        std::vector<char> index_present(blob_indexes.size(), 0);
        MLCI_TRY(parallel_for(blob_indexes.size(), std::max(1u, m_options.jobs), [&](size_t i) {
            auto p = m_remote.has_manifest(blob_indexes[i].second.digest);
            if (p)
                index_present[i] = *p;
            return p ? Status() : std::unexpected(p.error());
        }));
        for (size_t i = 0; i < blob_indexes.size(); ++i) {
            auto m = store::parse_manifest(blob_indexes[i].second.bytes, "blob index");
            if (index_present[i])
                m_report.blobs_present += m->layers.size();
            else
                needed.insert(needed.end(), m->layers.begin(), m->layers.end());
        }
        bool need_empty = std::count(index_present.begin(), index_present.end(), 0) > 0;
        MLCI_TRY(transfer(needed));
        if (need_empty) {
            auto empty = empty_config();
            MLCI_TRY_ASSIGN(has, m_remote.has_blob(empty));
            if (!has)
                MLCI_TRY(m_remote.put_blob_data(empty, "{}", m_stats));
        }
        MLCI_TRY(m_remote.flush());

        for (size_t i = 0; i < plan.size(); ++i)
            if (!present[i]) {
                RawManifest m{plan[i].desc.media_type, plan[i].bytes, plan[i].desc.digest, {}};
                MLCI_TRY(m_remote.put_manifest(m));
                ++m_report.manifests_pushed;
            }
        // Referrers after their subject: blob indexes, then the store's own.
        std::map<hash::Digest, std::vector<store::Descriptor>> refs;
        for (size_t i = 0; i < blob_indexes.size(); ++i) {
            auto& [subject, bi] = blob_indexes[i];
            if (!index_present[i]) {
                MLCI_TRY(m_remote.put_manifest(bi));
                ++m_report.manifests_pushed;
            }
            refs[subject].push_back(describe(bi));
            ++m_report.referrers;
        }
        if (m_options.referrers && depth < k_referrer_depth) {
            MLCI_TRY_ASSIGN(mine, local_referrers(m_store, root.digest));
            for (auto& r : mine) {
                MLCI_TRY(push_tree(r, depth + 1));
                refs[root.digest].push_back(r);
                ++m_report.referrers;
            }
        }
        for (auto& [subject, list] : refs) {
            auto it = std::find_if(plan.begin(), plan.end(),
                                   [&](auto& mp) { return mp.desc.digest == subject; });
            MLCI_TRY(m_remote.add_referrers(it->desc, list));
        }
        return m_remote.flush();
    }

    const TransferStats& stats() const { return m_stats; }
    // Blobs that HEAD found on the remote.
    uint64_t present() const { return m_present; }

private:
    // HEADs each blob and uploads those missing, `jobs` at a time, largest first.
    Status transfer(std::vector<store::Descriptor> blobs) {
        std::sort(blobs.begin(), blobs.end(), [](auto& a, auto& b) {
            return a.size != b.size ? a.size > b.size : a.digest < b.digest;
        });
        blobs.erase(std::unique(blobs.begin(), blobs.end(),
                                [](auto& a, auto& b) { return a.digest == b.digest; }),
                    blobs.end());
        std::erase_if(blobs, [&](auto& b) { return !m_seen_blobs.insert(b.digest).second; });
        m_total += blobs.size();
        for (auto& b : blobs)
            m_total_bytes += b.size;
        m_report.blobs += blobs.size();
        return parallel_for(blobs.size(), std::max(1u, m_options.jobs), [&](size_t i) -> Status {
            auto& b = blobs[i];
            MLCI_TRY_ASSIGN(has, m_remote.has_blob(b));
            if (has) {
                ++m_present;
                m_bytes += b.size;
            } else {
                if (!m_store.has_blob(b.digest))
                    MLCI_TRY(fetch_missing(b));
                MLCI_TRY(m_remote.put_blob(b, m_store.blob_path(b.digest), m_stats));
            }
            ++m_done;
            progress();
            return {};
        });
    }

    // A blob the store lacks: a pack of which a ranged pull or gc --repack
    // kept only some chunks comes whole from a registry that holds it, one
    // at a time; anything else is a lost blob.
    Status fetch_missing(const store::Descriptor& b) {
        if (!m_packs.contains(b.digest))
            return runtime_error("blob '{}' is missing from the store ('mlci verify' tells more)",
                                 b.digest.str());
        std::lock_guard lock(m_fetching);
        if (m_store.has_blob(b.digest))
            return {};
        return fetch_pack_from_origin(m_store, m_artifact,
                                      {store::k_media_pack, b.digest, b.size, {}, {}, {}},
                                      m_options.remote);
    }

    void progress() {
        m_reporter.report(
            {"pushing", m_done.load(), m_total.load(), m_bytes.load(), m_total_bytes.load()});
    }

    const store::Store& m_store;
    Remote& m_remote;
    const PushOptions& m_options;
    const Reporter& m_reporter;
    PushReport& m_report;
    hash::Digest m_artifact;
    std::mutex m_fetching;
    TransferStats m_stats;
    std::unordered_set<hash::Digest> m_visited, m_seen_blobs;
    std::unordered_set<hash::Digest> m_packs; // named by the chunk lists pushed
    std::atomic<uint64_t> m_done{0}, m_total{0}, m_bytes{0}, m_total_bytes{0}, m_present{0};
};

// The remote tag when DEST names none: a registry gets the TAG of the local
// NAME:TAG (iris:v3 -> v3), a layout the whole NAME:TAG, as mlci stores do.
std::string default_remote_tag(const store::IndexEntry& entry, const RemoteRef& dest) {
    if (dest.digest)
        return {};
    if (entry.tag.empty())
        return "latest";
    if (dest.kind == RemoteRef::Kind::layout)
        return entry.tag;
    auto tag = entry.tag.substr(entry.tag.rfind(':') + 1);
    bool ok = !tag.empty() && tag.size() <= 128 &&
              std::all_of(tag.begin(), tag.end(), [](unsigned char c) {
                  return std::isalnum(c) || c == '_' || c == '.' || c == '-';
              });
    return ok && tag != entry.tag ? tag : "latest";
}

} // namespace

Result<PushReport> push(const store::Store& store, const store::IndexEntry& entry,
                        const RemoteRef& dest, const PushOptions& options,
                        const Reporter& reporter) {
    auto& root = entry.descriptor;
    if (dest.digest && *dest.digest != root.digest)
        return usage_error("'{}' pins '{}', but the artifact to push is '{}'", dest.str(),
                           dest.digest->str(), root.digest.str());
    auto remote_options = options.remote;
    remote_options.access = Access::push;
    if (dest.kind == RemoteRef::Kind::registry)
        remote_options.mount_from =
            mount_candidates(store, dest.host, dest.repository, root.digest);
    MLCI_TRY_ASSIGN(remote, make_remote(dest, remote_options));

    PushReport report;
    report.digest = root.digest;
    Pusher pusher(store, *remote, options, reporter, report, root.digest);
    MLCI_TRY(pusher.push_tree(root, 0));

    // The tag goes last, and only when it does not already name the digest.
    report.tag = dest.tag.empty() ? default_remote_tag(entry, dest) : dest.tag;
    if (!report.tag.empty()) {
        MLCI_TRY_ASSIGN(current, remote->resolve_tag(report.tag));
        if (!current || *current != root.digest) {
            MLCI_TRY_ASSIGN(bytes, store.read_blob(root.digest));
            MLCI_TRY(remote->tag_manifest({root.media_type, bytes, root.digest, {}}, report.tag));
        }
    }
    MLCI_TRY(remote->flush());
    remember_remote(store, dest, root.digest);

    auto& s = pusher.stats();
    report.blobs_present += pusher.present();
    report.blobs_uploaded = s.blobs_uploaded;
    report.bytes_uploaded = s.bytes_uploaded;
    report.blobs_mounted = s.blobs_mounted;
    report.retries = remote->retries();
    auto pinned = dest;
    pinned.tag = report.tag;
    report.reference = pinned.pinned(root.digest);
    return report;
}

} // namespace mlci::registry
