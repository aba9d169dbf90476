#include <algorithm>
#include <mlci/core/json.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <unordered_set>

namespace mlci::registry {

namespace {

// A file list pulled in part (pull --path) cannot be pushed: the
// destination would get a version whose data is nowhere.
Status check_whole(const store::Store& store, const hash::Digest& list,
                   const std::vector<store::FileEntry>& files, const store::Descriptor& artifact) {
    if (!store::is_partial(store, list))
        return {};
    auto missing = std::ranges::count_if(
        files, [&](const store::FileEntry& f) { return !store::has_content(store, f); });
    if (missing == 0)
        return {};
    return runtime_error("'{}' was pulled in part (pull --path): the store lacks the data of {} "
                         "of its {} files; pull it whole first ('mlci pull' without --path)",
                         artifact.digest.str(), missing, files.size());
}

Status plan_into(const store::Store& store, const store::Descriptor& desc,
                 std::vector<ManifestPlan>& out, std::unordered_set<hash::Digest>& seen) {
    if (!seen.insert(desc.digest).second)
        return {};
    MLCI_TRY_ASSIGN(bytes, store.read_blob(desc.digest));
    ManifestPlan plan{desc, std::move(bytes), {}, {}};
    if (store::is_index_type(desc.media_type)) {
        MLCI_TRY_ASSIGN(
            j, parse_json_object(plan.bytes, fmt::format("index '{}'", desc.digest.str())));
        if (auto m = j.find("manifests"); m != j.end() && m->is_array())
            for (auto& child : *m) {
                MLCI_TRY_ASSIGN(c, store::descriptor_from_json(child));
                MLCI_TRY(plan_into(store, c, out, seen));
            }
    } else if (store::is_manifest_type(desc.media_type)) {
        MLCI_TRY_ASSIGN(m, store::parse_manifest(plan.bytes, desc.digest.str()));
        std::unordered_set<hash::Digest> seen_chunk_lists;
        plan.blobs.push_back(m.config);
        for (auto& layer : m.layers) {
            plan.blobs.push_back(layer);
            if (layer.media_type != store::k_media_file_list)
                continue;
            MLCI_TRY_ASSIGN(text, store.read_blob(layer.digest));
            MLCI_TRY_ASSIGN(files, store::parse_file_list(text, layer.digest.str()));
            MLCI_TRY(check_whole(store, layer.digest, files, desc));
            for (auto& f : files) {
                if (!f.chunked()) {
                    plan.files.push_back(
                        {"application/octet-stream", f.digest, f.size, {}, {}, {}});
                    continue;
                }
                // A chunked file: its chunk lists, and the packs they name.
                for (auto& ref : f.chunk_lists) {
                    if (!seen_chunk_lists.insert(ref.digest).second)
                        continue;
                    plan.files.push_back(
                        {store::k_media_chunk_list, ref.digest, ref.size, {}, {}, {}});
                    MLCI_TRY_ASSIGN(list_text, store.read_blob(ref.digest));
                    MLCI_TRY_ASSIGN(list, store::parse_chunk_list(list_text, ref.digest.str()));
                    for (auto& p : list.packs)
                        plan.files.push_back({store::k_media_pack, p.digest, p.size, {}, {}, {}});
                }
            }
        }
    } else {
        return usage_error("'{}' is not a manifest (media type '{}')", desc.digest.str(),
                           desc.media_type);
    }
    out.push_back(std::move(plan));
    return {};
}

} // namespace

Result<std::vector<ManifestPlan>> plan_artifact(const store::Store& store,
                                                const store::Descriptor& root) {
    std::vector<ManifestPlan> out;
    std::unordered_set<hash::Digest> seen;
    MLCI_TRY(plan_into(store, root, out, seen));
    return out;
}

store::Descriptor empty_config() {
    static const auto digest = hash::sha256_of("{}");
    return {store::k_oci_empty, digest, 2, {}, {}, {}};
}

std::vector<RawManifest> blob_index_manifests(const store::Descriptor& subject,
                                              std::vector<store::Descriptor> files) {
    std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.digest < b.digest; });
    files.erase(std::unique(files.begin(), files.end(),
                            [](auto& a, auto& b) { return a.digest == b.digest; }),
                files.end());
    std::vector<RawManifest> out;
    size_t parts = (files.size() + k_blob_index_size - 1) / k_blob_index_size;
    for (size_t p = 0; p < parts; ++p) {
        store::Manifest m;
        m.media_type = store::k_oci_manifest;
        m.artifact_type = k_type_blob_index;
        m.config = empty_config();
        m.subject = store::Descriptor{subject.media_type, subject.digest, subject.size, {}, {}, {}};
        m.annotations[k_ann_blob_index_part] = fmt::format("{}/{}", p + 1, parts);
        auto end = std::min(files.size(), (p + 1) * k_blob_index_size);
        for (size_t i = p * k_blob_index_size; i < end; ++i)
            m.layers.push_back(
                {"application/octet-stream", files[i].digest, files[i].size, {}, {}, {}});
        RawManifest raw{store::k_oci_manifest, store::canonical(store::to_json(m)), {}, {}};
        raw.digest = hash::sha256_of(raw.bytes);
        out.push_back(std::move(raw));
    }
    return out;
}

Result<std::vector<store::Descriptor>> local_referrers(const store::Store& store,
                                                       const hash::Digest& subject) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::vector<store::Descriptor> out;
    std::unordered_set<hash::Digest> seen;
    for (auto& e : entries) {
        auto& d = e.descriptor;
        if (d.media_type != store::k_oci_manifest || d.size > (4u << 20) ||
            !seen.insert(d.digest).second)
            continue;
        auto text = store.read_blob(d.digest);
        if (!text || text->find("\"subject\"") == std::string::npos)
            continue;
        auto m = store::parse_manifest(*text, d.digest.str());
        if (!m || !m->subject || m->subject->digest != subject)
            continue;
        out.push_back({d.media_type, d.digest, d.size, m->artifact_type, m->annotations, {}});
    }
    return out;
}

store::Descriptor describe(const RawManifest& m) {
    std::string artifact_type;
    auto j = nlohmann::json::parse(m.bytes, nullptr, false);
    if (j.is_object())
        if (auto a = j.find("artifactType"); a != j.end() && a->is_string())
            artifact_type = a->get<std::string>();
    return {m.media_type, m.digest, m.bytes.size(), artifact_type, {}, {}};
}

} // namespace mlci::registry
