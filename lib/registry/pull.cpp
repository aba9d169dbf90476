#include <charconv>
#include <fmt/ranges.h>
#include <mlci/core/json.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/core/text.hpp>
#include <mlci/registry/fetch_blob.hpp>
#include <mlci/registry/known_remotes.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/registry/pull_chunks.hpp>
#include <mlci/registry/transfer.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <unordered_set>

namespace mlci::registry {

namespace {

class Puller {
public:
    Puller(store::Store& store, Remote& remote, const PullOptions& options,
           const Reporter& reporter, PullReport& report)
        : m_store(store), m_remote(remote), m_options(options), m_reporter(reporter),
          m_report(report) {
        m_stats.on_bytes = [this](uint64_t n) {
            m_bytes += n;
            progress();
        };
    }

    // Fetches the manifest `m` (verified), what it names, and its referrers;
    // manifests are kept in memory to be written once every blob is in.
    Status fetch_tree(const RawManifest& m, int depth) {
        if (!m_visited.insert(m.digest).second)
            return {};
        MLCI_TRY(collect(m));
        if (!m_options.referrers || depth >= k_referrer_depth)
            return {};
        MLCI_TRY_ASSIGN(refs, m_remote.referrers(describe(m)));
        for (auto& r : refs) {
            if (r.artifact_type == k_type_blob_index || m_visited.contains(r.digest))
                continue;
            MLCI_TRY_ASSIGN(rm, fetch_manifest(r.digest.str(), r.digest));
            MLCI_TRY(fetch_tree(rm, depth + 1));
            m_referrers.push_back(describe(rm));
        }
        return {};
    }

    // Reads a manifest and checks its bytes have the digest it is named by.
    Result<RawManifest> fetch_manifest(const std::string& reference, const hash::Digest& expected) {
        MLCI_TRY_ASSIGN(m, m_remote.get_manifest(reference));
        auto want = !expected.empty() ? expected : m.claimed;
        if (!want.empty() && m.digest != want)
            return runtime_error("manifest '{}' from '{}' is corrupt: its content hashes to '{}' "
                                 "(nothing was added to the store)",
                                 want.str(), m_remote.location(), m.digest.str());
        return m;
    }

    const std::vector<RawManifest>& manifests() const { return m_manifests; }
    const std::vector<store::Descriptor>& referrers() const { return m_referrers; }
    const std::vector<hash::Digest>& partial_lists() const { return m_partial_lists; }
    const std::vector<hash::Digest>& whole_lists() const { return m_whole_lists; }
    const TransferStats& stats() const { return m_stats; }
    // Closes the packs that ranged chunks went into (before the sync that
    // makes every blob of the pull durable).
    Status finish() { return m_chunks ? m_chunks->finish() : Status(); }

private:
    Status collect(const RawManifest& m) {
        if (store::is_index_type(m.media_type)) {
            MLCI_TRY_ASSIGN(
                j, parse_json_object(m.bytes, fmt::format("index '{}' from '{}'", m.digest.str(),
                                                          m_remote.location())));
            if (auto list = j.find("manifests"); list != j.end() && list->is_array())
                for (auto& child : *list) {
                    MLCI_TRY_ASSIGN(c, store::descriptor_from_json(child));
                    if (!m_visited.insert(c.digest).second)
                        continue;
                    MLCI_TRY_ASSIGN(cm, fetch_manifest(c.digest.str(), c.digest));
                    MLCI_TRY(collect(cm));
                }
        } else if (store::is_manifest_type(m.media_type)) {
            MLCI_TRY_ASSIGN(parsed, store::parse_manifest(m.bytes, m.digest.str()));
            std::vector<store::Descriptor> blobs{parsed.config};
            blobs.insert(blobs.end(), parsed.layers.begin(), parsed.layers.end());
            MLCI_TRY(fetch_blobs(blobs));
            // A file list's entries are blobs no manifest names: fetch them too.
            // With --path, only the selected files' data; a list whose other
            // files' data the store lacks is then marked as pulled in part.
            std::vector<store::Descriptor> files, chunk_lists;
            for (auto& l : parsed.layers) {
                if (l.media_type != store::k_media_file_list)
                    continue;
                MLCI_TRY_ASSIGN(text, m_store.read_blob(l.digest));
                MLCI_TRY_ASSIGN(list, store::parse_file_list(text, l.digest.str()));
                bool whole = true;
                store::ChunkLocator locator(m_store);
                for (auto& f : list) {
                    m_report.files += 1;
                    if (!store::path_selected(f.path, m_options.paths)) {
                        whole = whole && store::has_content(m_store, f, locator);
                        continue;
                    }
                    m_report.files_selected += 1;
                    if (!f.chunked())
                        files.push_back({"application/octet-stream", f.digest, f.size, {}, {}, {}});
                    for (auto& ref : f.chunk_lists)
                        chunk_lists.push_back(
                            {store::k_media_chunk_list, ref.digest, ref.size, {}, {}, {}});
                }
                (whole ? m_whole_lists : m_partial_lists).push_back(l.digest);
            }
            MLCI_TRY(fetch_blobs(files));
            // A chunked file's chunk lists, then the chunks they name that
            // this store lacks: what a store holding an earlier version
            // receives is the chunks that version did not have, by range.
            MLCI_TRY(fetch_blobs(chunk_lists));
            std::vector<store::ChunkList> lists;
            for (auto& ref : chunk_lists) {
                MLCI_TRY_ASSIGN(text, m_store.read_blob(ref.digest));
                MLCI_TRY_ASSIGN(list, store::parse_chunk_list(text, ref.digest.str()));
                lists.push_back(std::move(list));
            }
            MLCI_TRY(fetch_chunks(lists));
        } else {
            return usage_error("'{}' from '{}' has media type '{}', which mlci cannot pull",
                               m.digest.str(), m_remote.location(), m.media_type);
        }
        m_manifests.push_back(m);
        return {};
    }

    Status fetch_blobs(std::vector<store::Descriptor> blobs) {
        std::erase_if(blobs, [&](auto& b) { return !m_seen_blobs.insert(b.digest).second; });
        std::vector<store::Descriptor> missing;
        for (auto& b : blobs) {
            if (m_store.has_blob(b.digest)) {
                m_store.freshen(b.digest); // gc's grace period covers it until tagged
                ++m_report.blobs_present;
            } else {
                missing.push_back(b);
            }
        }
        m_report.blobs += blobs.size();
        m_total += missing.size();
        for (auto& b : missing)
            m_total_bytes += b.size;
        std::sort(missing.begin(), missing.end(), [](auto& a, auto& b) { return a.size > b.size; });
        return parallel_for(missing.size(), std::max(1u, m_options.jobs),
                            [&](size_t i) { return fetch_blob(missing[i]); });
    }

    // The chunks of `lists` this store lacks: whole packs as blobs, the
    // rest by ranges into packs of the store's own (pull_chunks.hpp).
    Status fetch_chunks(const std::vector<store::ChunkList>& lists) {
        auto plan = plan_pack_fetches(m_store, lists, m_seen_chunks);
        MLCI_TRY(fetch_blobs(plan.whole));
        if (plan.ranged.empty())
            return {};
        if (!m_chunks) {
            MLCI_TRY_ASSIGN(opened, store::ChunkStore::open(m_store));
            m_chunks = std::move(opened);
        }
        m_total += plan.ranged.size();
        for (auto& f : plan.ranged)
            m_total_bytes += range_bytes(f.ranges);
        m_report.packs_ranged += plan.ranged.size();
        return parallel_for(
            plan.ranged.size(), std::max(1u, m_options.jobs), [&](size_t i) -> Status {
                auto& f = plan.ranged[i];
                MLCI_TRY_ASSIGN(ranged, fetch_pack_ranges(m_remote, f, *m_chunks, m_stats));
                if (ranged) {
                    ++m_done;
                    progress();
                    return {};
                }
                return fetch_blob(f.pack); // the registry ignored the Range
            });
    }

    Status fetch_blob(const store::Descriptor& d) {
        MLCI_TRY(fetch_into_store(m_store, m_remote, d, m_stats));
        ++m_done;
        progress();
        return {};
    }

    void progress() {
        m_reporter.report(
            {"pulling", m_done.load(), m_total.load(), m_bytes.load(), m_total_bytes.load()});
    }

    store::Store& m_store;
    Remote& m_remote;
    const PullOptions& m_options;
    const Reporter& m_reporter;
    PullReport& m_report;
    TransferStats m_stats;
    std::unordered_set<hash::Digest> m_visited, m_seen_blobs;
    std::unordered_set<hash::RawDigest> m_seen_chunks;
    std::unique_ptr<store::ChunkStore> m_chunks; // opened for the first ranged pack
    std::vector<RawManifest> m_manifests;        // children before parents
    std::vector<store::Descriptor> m_referrers;
    std::vector<hash::Digest> m_partial_lists, m_whole_lists;
    std::atomic<uint64_t> m_done{0}, m_total{0}, m_bytes{0}, m_total_bytes{0};
};

// The tags a pulled artifact gets: `local_tag`, and NAME:latest too when it is
// NAME:vN with no higher version here, as if it had been made here.
Result<std::vector<std::string>> tags_for(const store::Store& store, const std::string& local_tag) {
    std::vector<std::string> tags;
    if (local_tag.empty())
        return tags;
    tags.push_back(local_tag);
    auto colon = local_tag.rfind(':');
    auto version = [](std::string_view tag, std::string_view name) -> long {
        if (tag.size() < name.size() + 3 || !tag.starts_with(name) || tag[name.size()] != ':' ||
            tag[name.size() + 1] != 'v')
            return -1;
        long n = -1;
        auto digits = tag.substr(name.size() + 2);
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        return ec == std::errc() && p == digits.data() + digits.size() ? n : -1;
    };
    if (colon == std::string::npos)
        return tags;
    auto name = local_tag.substr(0, colon);
    auto mine = version(local_tag, name);
    if (mine < 0)
        return tags;
    MLCI_TRY_ASSIGN(entries, store.entries());
    for (auto& e : entries)
        if (e.tag != local_tag && version(e.tag, name) > mine)
            return tags;
    tags.push_back(name + ":latest");
    return tags;
}

// The artifact's own name, for the kinds whose tags are NAME:TAG with the
// NAME their manifest records (dev.mlci.name); empty for others (a
// validation records its run's name, a plain OCI image none).
std::string own_name(const RawManifest& m) {
    if (!store::is_manifest_type(m.media_type))
        return {};
    auto j = nlohmann::json::parse(m.bytes, nullptr, false);
    if (!j.is_object() || !j.contains("annotations") || !j["annotations"].is_object())
        return {};
    auto& ann = j["annotations"];
    auto kind = ann.value(store::k_ann_kind, "");
    if (kind != "dataset" && kind != "run" && kind != "package")
        return {};
    auto name = ann.value(store::k_ann_name, "");
    return name.find(':') == std::string::npos && store::validate_tag(name) ? name : "";
}

// The local tag when --tag gives none: the artifact's own name and the
// remote tag's TAG (iris-data:v3 pushed anywhere comes back as
// iris-data:v3), else default_local_tag (the repository's last part).
Result<std::string> local_tag_for(const RemoteRef& src, const std::string& reference,
                                  const RawManifest& root) {
    if (src.tag.empty() && src.digest)
        return std::string(); // pulled by digest alone: untagged, as before
    // By tag, or by tag and digest (then `reference` is the digest).
    auto remote_tag = src.tag.empty() ? reference : src.tag;
    if (auto name = own_name(root); !name.empty()) {
        auto tag = name + ":" + remote_tag.substr(remote_tag.rfind(':') + 1);
        if (store::validate_tag(tag))
            return tag;
    }
    return default_local_tag(src);
}

} // namespace

Result<PullReport> pull(store::Store& store, const RemoteRef& src, const PullOptions& options,
                        const Reporter& reporter) {
    if (!options.tag.empty())
        MLCI_TRY(store::validate_tag(options.tag));
    std::string reference = src.digest ? src.digest->str() : src.tag;
    if (reference.empty()) {
        if (src.kind == RemoteRef::Kind::layout)
            return usage_error("'{}' names no tag (give oci:PATH:TAG)", src.str());
        reference = "latest";
    }

    // Held to the end: gc must not take blobs that are not tagged yet.
    MLCI_TRY_ASSIGN(lock, store.writer_lock());
    auto remote_options = options.remote;
    remote_options.access = Access::pull;
    MLCI_TRY_ASSIGN(remote, make_remote(src, remote_options));

    PullReport report;
    Puller puller(store, *remote, options, reporter, report);
    MLCI_TRY_ASSIGN(root, puller.fetch_manifest(reference, src.digest.value_or(hash::Digest())));
    std::string local_tag = options.tag;
    if (local_tag.empty() && options.version_of.empty()) {
        MLCI_TRY_ASSIGN(t, local_tag_for(src, reference, root));
        local_tag = t;
    }
    MLCI_TRY(puller.fetch_tree(root, 0));
    if (!options.paths.empty() && report.files_selected == 0)
        return usage_error("no file of '{}' matches --path {} ({} in its file lists; "
                           "nothing was added to the store)",
                           src.str(), fmt::join(options.paths, " --path "),
                           plural(report.files, "file"));

    MLCI_TRY(puller.finish());
    // Blobs durable, then the partial marks, then manifests, then the index:
    // a crash leaves only unreferenced blobs (and perhaps a mark of a list no
    // manifest names, which gc removes).
    MLCI_TRY(store.sync());
    for (auto& d : puller.partial_lists())
        MLCI_TRY(store::mark_partial(store, d));
    for (auto& m : puller.manifests())
        MLCI_TRY(store.put_blob(m.bytes, m.media_type));
    MLCI_TRY(store.sync());
    for (auto& r : puller.referrers())
        MLCI_TRY(store.add_to_index(r, {}));
    auto root_desc = describe(root);
    if (local_tag.empty() && !options.version_of.empty()) {
        MLCI_TRY_ASSIGN(tagged, store.tag_as_version(root_desc, options.version_of));
        local_tag = tagged.tag;
    } else {
        MLCI_TRY_ASSIGN(tags, tags_for(store, local_tag));
        MLCI_TRY(store.add_to_index(root_desc, tags));
    }
    for (auto& d : puller.whole_lists())
        MLCI_TRY(store::clear_partial(store, d));
    remember_remote(store, src, root.digest);

    auto& s = puller.stats();
    report.digest = root.digest;
    report.reference = local_tag.empty() ? root.digest.str() : local_tag;
    auto pinned = src;
    pinned.tag = src.digest ? src.tag : reference;
    report.source = pinned.pinned(root.digest);
    report.blobs_downloaded = s.blobs_downloaded;
    report.bytes_downloaded = s.bytes_downloaded;
    report.manifests = puller.manifests().size();
    report.referrers = puller.referrers().size();
    report.retries = remote->retries();
    return report;
}

} // namespace mlci::registry
