#include <algorithm>
#include <charconv>
#include <mlci/core/json.hpp>
#include <mlci/data/fetch_version.hpp>
#include <mlci/store/media_types.hpp>
#include <nlohmann/json.hpp>

namespace mlci::data {

namespace {

// How many of a repository's tags are read looking for a file list.
constexpr size_t k_max_tags_read = 200;

// N for "vN", else -1.
long version_of(std::string_view tag) {
    if (tag.size() < 2 || tag[0] != 'v')
        return -1;
    long n = -1;
    auto [p, ec] = std::from_chars(tag.data() + 1, tag.data() + tag.size(), n);
    return ec == std::errc() && p == tag.data() + tag.size() ? n : -1;
}

bool names_file_list(const registry::RawManifest& m, const hash::Digest& file_list) {
    auto j = parse_json_object(m.bytes, "manifest");
    if (!j || !j->contains("layers") || !(*j)["layers"].is_array())
        return false;
    for (auto& l : (*j)["layers"])
        if (l.is_object() && l.value("mediaType", "") == store::k_media_file_list &&
            l.value("digest", "") == file_list.str())
            return true;
    return false;
}

// The tag of the newest version of `name` on `remote` whose manifest names
// `file_list`: vN tags newest first, then the others.
Result<std::string> find_version(const registry::NamedRemote& remote, const std::string& name,
                                 const hash::Digest& file_list,
                                 const registry::RemoteOptions& options) {
    MLCI_TRY_ASSIGN(repo, registry::artifact_ref(remote, name, "latest"));
    MLCI_TRY_ASSIGN(conn, registry::make_remote(repo, options));
    MLCI_TRY_ASSIGN(all, conn->list_tags());
    // A layout's tags are NAME:TAG; a registry repository's, TAG.
    std::vector<std::string> tags;
    for (auto& t : all) {
        if (repo.kind == registry::RemoteRef::Kind::registry)
            tags.push_back(t);
        else if (t.starts_with(name + ":"))
            tags.push_back(t.substr(name.size() + 1));
    }
    std::stable_sort(tags.begin(), tags.end(),
                     [](auto& a, auto& b) { return version_of(a) > version_of(b); });
    if (tags.size() > k_max_tags_read)
        tags.resize(k_max_tags_read);
    for (auto& tag : tags) {
        auto reference =
            repo.kind == registry::RemoteRef::Kind::layout ? fmt::format("{}:{}", name, tag) : tag;
        MLCI_TRY_ASSIGN(m, conn->get_manifest(reference));
        if (names_file_list(m, file_list))
            return tag;
    }
    return usage_error("no version of dataset '{}' on remote '{}' ({}) holds file list '{}' "
                       "(push it there from a store that has it: 'mlci push {}:vN')",
                       name, remote.name, repo.location(), file_list.str(), name);
}

} // namespace

Result<std::vector<std::string>> pull_missing_version(store::Store& store,
                                                      const registry::NamedRemote& remote,
                                                      const MissingVersion& missing,
                                                      const registry::PullOptions& options,
                                                      const Reporter& reporter) {
    auto remote_options = options.remote;
    remote_options.plain_http = remote_options.plain_http || remote.plain_http;
    // NAME:TAG first: what the store lacks is one version, pulled whole.
    std::vector<std::pair<std::string, std::string>> wanted; // name, tag
    if (missing.tagged) {
        wanted.push_back(registry::split_tag(missing.label));
    } else {
        for (auto& root : missing.roots) {
            if (root.dataset.empty())
                return usage_error("'{}' names no dataset to look for on remote '{}'", missing.ref,
                                   remote.name);
            MLCI_TRY_ASSIGN(tag,
                            find_version(remote, root.dataset, root.file_list, remote_options));
            std::pair<std::string, std::string> w{root.dataset, tag};
            if (std::find(wanted.begin(), wanted.end(), w) == wanted.end())
                wanted.push_back(w);
        }
    }
    std::vector<std::string> pulled;
    for (auto& [name, tag] : wanted) {
        MLCI_TRY_ASSIGN(src, registry::artifact_ref(remote, name, tag));
        reporter.say(fmt::format("note: '{}' is not all in the store; pulling {}:{}{} from "
                                 "remote '{}' ({})",
                                 missing.ref, name, tag,
                                 missing.paths.empty() ? "" : " (the paths to check out)",
                                 remote.name, src.str()));
        auto o = options;
        o.remote = remote_options;
        o.tag = fmt::format("{}:{}", name, tag);
        if (o.paths.empty())
            o.paths = missing.paths;
        MLCI_TRY_ASSIGN(r, registry::pull(store, src, o, reporter));
        pulled.push_back(r.reference);
    }
    return pulled;
}

} // namespace mlci::data
