#include <algorithm>
#include <mlci/core/fs.hpp>
#include <mlci/core/text.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/descriptor.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/record.hpp>
#include <set>

namespace mlci::train {

bool is_cached_run(const store::Manifest& m, const hash::Digest& key) {
    auto status = m.annotations.find(k_ann_status);
    auto k = m.annotations.find(k_ann_cache_key);
    return m.artifact_type == store::k_type_run && status != m.annotations.end() &&
           status->second == "succeeded" && k != m.annotations.end() && k->second == key.str();
}

hash::Digest cache_key(const nlohmann::json& facts) {
    return hash::sha256_of(store::canonical(facts));
}

fs::path RunCache::dir() const {
    return m_store->cache_dir() / "runs-v1";
}

Result<std::optional<store::IndexEntry>> RunCache::lookup(const hash::Digest& key) const {
    std::error_code ec;
    if (!fs::is_directory(dir(), ec))
        MLCI_TRY(rebuild());
    auto text = read_file(dir() / std::string(key.hex()));
    if (!text)
        return std::optional<store::IndexEntry>{};
    auto manifest = hash::Digest::parse(trim_end(*text));
    if (!manifest || !m_store->has_blob(*manifest))
        return std::optional<store::IndexEntry>{};
    MLCI_TRY_ASSIGN(entries, m_store->entries());
    auto entry = best_entry(entries, *manifest);
    if (!entry)
        return std::optional<store::IndexEntry>{}; // untagged since: gc may take it any time
    auto m = m_store->read_manifest(*manifest);
    if (!m || !is_cached_run(*m, key))
        return std::optional<store::IndexEntry>{};
    return entry;
}

Status RunCache::remember(const hash::Digest& key, const hash::Digest& manifest) const {
    std::error_code ec;
    if (!fs::is_directory(dir(), ec))
        MLCI_TRY(rebuild());
    return write_file_atomic(dir() / std::string(key.hex()), manifest.str() + "\n",
                             /*durable=*/false);
}

Status RunCache::rebuild() const {
    MLCI_TRY_ASSIGN(entries, m_store->entries());
    // Built beside the final folder and renamed in, so that a reader never
    // sees a half-built map as the whole one.
    auto tmp = temp_path_for(dir());
    std::error_code ec;
    fs::create_directories(tmp, ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", tmp.string(), ec.message());
    // Oldest first, so that the newest run of a key is the one remembered.
    std::vector<std::pair<std::string, std::pair<hash::Digest, hash::Digest>>> found;
    std::set<hash::Digest> seen;
    for (auto& e : entries) {
        if (e.descriptor.artifact_type != store::k_type_run && !e.descriptor.artifact_type.empty())
            continue;
        if (!seen.insert(e.descriptor.digest).second)
            continue;
        auto m = m_store->read_manifest(e.descriptor.digest);
        if (!m)
            continue;
        auto k = m->annotations.find(k_ann_cache_key);
        auto key = k == m->annotations.end() ? Result<hash::Digest>(std::unexpected(Error{}))
                                             : hash::Digest::parse(k->second);
        if (!key || !is_cached_run(*m, *key))
            continue;
        found.push_back({m->annotations[store::k_ann_created], {*key, e.descriptor.digest}});
    }
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [created, kv] : found)
        MLCI_TRY(write_file_atomic(tmp / std::string(kv.first.hex()), kv.second.str() + "\n",
                                   /*durable=*/false));
    if (::rename(tmp.c_str(), dir().c_str()) != 0) {
        fs::remove_all(tmp, ec);
        // Another process built it first: theirs is as good.
        if (fs::is_directory(dir(), ec))
            return {};
        return runtime_error("cannot create the run cache '{}'", dir().string());
    }
    return {};
}

} // namespace mlci::train
