#include <fmt/ranges.h>
#include <mlci/registry/fetch_blob.hpp>
#include <mlci/registry/known_remotes.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::registry {

Status fetch_into_store(const store::Store& store, Remote& remote, const store::Descriptor& d,
                        TransferStats& stats) {
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    auto where = fmt::format("blob '{}' from '{}'", d.digest.str(), remote.location());
    MLCI_TRY(remote.fetch_blob(
        d,
        [&](std::string_view data) -> Status {
            if (writer.size() + data.size() > d.size)
                return runtime_error("{} is larger than the {} bytes its descriptor says "
                                     "(nothing was added to the store)",
                                     where, d.size);
            return writer.write(data.data(), data.size());
        },
        stats));
    if (writer.size() != d.size)
        return runtime_error("{} has {} bytes, not the {} its descriptor says (nothing was "
                             "added to the store)",
                             where, writer.size(), d.size);
    auto committed = writer.commit_verified(d.digest, d.media_type);
    if (!committed)
        return runtime_error("{} is corrupt: {} (nothing was added to the store)", where,
                             committed.error().message);
    // The index is a cache: a pack it cannot read is for verify to report.
    if (d.media_type == store::k_media_pack)
        (void)store::index_pack(store, d.digest);
    return {};
}

Status fetch_pack_from_origin(const store::Store& store, const hash::Digest& artifact,
                              const store::Descriptor& pack, RemoteOptions options) {
    options.access = Access::pull;
    options.mount_from.clear();
    std::vector<std::string> tried;
    for (auto& origin : repositories_holding(store, artifact)) {
        tried.push_back(origin.location());
        auto remote = make_remote(origin, options);
        if (!remote)
            continue;
        auto has = (*remote)->has_blob(pack);
        if (!has || !*has)
            continue;
        TransferStats fetched; // not the push's: its progress counts what goes up
        MLCI_TRY(fetch_into_store(store, **remote, pack, fetched));
        return store.sync();
    }
    return runtime_error(
        "pack '{}' is not whole in the store (a ranged pull or gc --repack kept only the chunks "
        "it needs) and {}: pull the version whole from where it came, or push to that registry",
        pack.digest.str(),
        tried.empty()
            ? std::string("no registry it came from is known")
            : fmt::format("no registry it came from has it ({} tried)", fmt::join(tried, ", ")));
}

} // namespace mlci::registry
