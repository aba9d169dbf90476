#include <mlci/registry/reference.hpp>
#include <mlci/registry/remote.hpp>
#include <mlci/registry/transfer.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/record.hpp>
#include <mlci/train/remote_cache.hpp>

namespace mlci::train {

namespace {

// A cache lookup happens before every run: an unreachable cache must cost
// seconds, not the minute of retries a push of a model is worth.
registry::RemoteOptions lookup_options(const RemoteCacheConfig& cache) {
    registry::RemoteOptions o;
    o.plain_http = cache.plain_http;
    o.retry.attempts = 2;
    return o;
}

Result<registry::RemoteRef> cache_ref(const RemoteCacheConfig& cache) {
    MLCI_TRY_ASSIGN(ref, registry::parse_remote(cache.dest));
    if (!ref.tag.empty() || ref.digest)
        return usage_error("remote cache '{}' names a tag or digest: give a repository "
                           "(HOST[:PORT]/REPO or oci:PATH)",
                           cache.dest);
    return ref;
}

} // namespace

std::string remote_cache_tag(const hash::Digest& key) {
    return "run-" + std::string(key.hex());
}

Result<std::optional<RemoteHit>> fetch_cached_run(store::Store& store,
                                                  const RemoteCacheConfig& cache,
                                                  const hash::Digest& key,
                                                  const std::string& name) {
    MLCI_TRY_ASSIGN(ref, cache_ref(cache));
    auto options = lookup_options(cache);
    MLCI_TRY_ASSIGN(remote, registry::make_remote(ref, options));
    auto tag = remote_cache_tag(key);
    MLCI_TRY_ASSIGN(found, remote->resolve_tag(tag));
    if (!found)
        return std::optional<RemoteHit>{};

    // By digest: what is verified is what the tag named a moment ago, even
    // if someone moves the tag meanwhile. Untagged until it is checked.
    auto src = ref;
    src.digest = *found;
    registry::PullOptions pull;
    pull.referrers = false;
    pull.remote = options;
    MLCI_TRY_ASSIGN(pulled, registry::pull(store, src, pull, Reporter{}));
    MLCI_TRY_ASSIGN(m, store.read_manifest(pulled.digest));
    auto kind_name = m.annotations.find(store::k_ann_name);
    if (!is_cached_run(m, key) || kind_name == m.annotations.end() || kind_name->second != name)
        return runtime_error("'{}' is not a succeeded run '{}' with this cache key",
                             ref.location() + ":" + tag, name);

    MLCI_TRY_ASSIGN(bytes, store.read_blob(pulled.digest));
    store::Descriptor desc{
        store::k_oci_manifest, pulled.digest, bytes.size(), m.artifact_type, {}, {}};
    MLCI_TRY_ASSIGN(tagged, store.tag_as_version(desc, name));
    auto pinned = ref;
    pinned.tag = tag;
    return std::optional<RemoteHit>(
        RemoteHit{store::IndexEntry{desc, tagged.tag}, pinned.pinned(pulled.digest)});
}

Status publish_cached_run(const store::Store& store, const RemoteCacheConfig& cache,
                          const store::IndexEntry& entry, const hash::Digest& key) {
    MLCI_TRY_ASSIGN(ref, cache_ref(cache));
    ref.tag = remote_cache_tag(key);
    registry::PushOptions push;
    push.referrers = false;
    push.remote.plain_http = cache.plain_http;
    MLCI_TRY_ASSIGN(report, registry::push(store, entry, ref, push, Reporter{}));
    (void)report;
    return {};
}

} // namespace mlci::train
