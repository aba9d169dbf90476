// The run cache: the same command, params, input data and code as a
// succeeded run give the same outputs, so that run's outputs are restored
// instead of training again. What it maps from is a key over those facts;
// what it maps to is the earlier run's manifest.
//
// The map lives in store.cache_dir()/runs-v1/<key hex>, one small file an
// entry. It is only a shortcut: every entry is checked against the run it
// names, and a missing folder is rebuilt from the runs in the store.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>

namespace mlci::train {

namespace fs = std::filesystem;

// The key of a run's defining facts (a JSON document), hashed canonically.
hash::Digest cache_key(const nlohmann::json& facts);

// True when `m` is a succeeded run recorded with cache key `key`.
bool is_cached_run(const store::Manifest& m, const hash::Digest& key);

class RunCache {
public:
    explicit RunCache(const store::Store& store) : m_store(&store) {}

    // The succeeded run recorded under `key` that the index still lists (its
    // NAME:vN entry), or nothing.
    Result<std::optional<store::IndexEntry>> lookup(const hash::Digest& key) const;
    // Remembers that the run `manifest` (succeeded) has `key`.
    Status remember(const hash::Digest& key, const hash::Digest& manifest) const;
    // Rebuilds the map from the runs in the store.
    Status rebuild() const;

private:
    fs::path dir() const;
    const store::Store* m_store;
};

} // namespace mlci::train
