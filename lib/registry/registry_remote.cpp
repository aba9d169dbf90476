#include "registry_remote.hpp"

#include <algorithm>
#include <mlci/core/json.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::registry {

namespace {

std::string strip_params(std::string_view content_type) {
    auto semi = content_type.find(';');
    auto t = content_type.substr(0, semi);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    return std::string(t);
}

// The media type of manifest bytes when the registry did not say.
std::string sniff_media_type(std::string_view bytes) {
    auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_object()) {
        if (auto m = j.find("mediaType"); m != j.end() && m->is_string())
            return m->get<std::string>();
        if (j.contains("manifests"))
            return store::k_oci_index;
    }
    return store::k_oci_manifest;
}

Result<std::vector<store::Descriptor>> index_descriptors(std::string_view bytes,
                                                         std::string_view where) {
    MLCI_TRY_ASSIGN(j, parse_json_object(bytes, fmt::format("referrers index from '{}'", where)));
    std::vector<store::Descriptor> out;
    if (auto m = j.find("manifests"); m != j.end() && m->is_array())
        for (auto& e : *m) {
            auto d = store::descriptor_from_json(e);
            if (!d)
                return usage_error("malformed referrers index from '{}': {}", where,
                                   d.error().message);
            out.push_back(*d);
        }
    return out;
}

} // namespace

std::string manifest_accept_header() {
    return fmt::format("Accept: {}, {}, {}, {}", store::k_oci_manifest, store::k_oci_index,
                       store::k_docker_manifest, store::k_docker_list);
}

std::string referrers_fallback_tag(const hash::Digest& subject) {
    return "sha256-" + std::string(subject.hex());
}

std::string with_query(const std::string& url, std::string_view param) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(param);
}

RegistryRemote::RegistryRemote(RemoteRef ref, RemoteOptions options,
                               std::unique_ptr<Session> session)
    : m_ref(std::move(ref)), m_options(std::move(options)), m_session(std::move(session)) {
    m_repo_url = m_session->base_url() + m_ref.repository + "/";
}

Result<std::unique_ptr<Remote>> make_registry_remote(const RemoteRef& ref,
                                                     const RemoteOptions& options) {
    SessionOptions so{.plain_http = options.plain_http, .retry = options.retry, .scopes = {}};
    so.scopes.push_back(fmt::format("repository:{}:{}", ref.repository,
                                    options.access == Access::push ? "pull,push" : "pull"));
    for (auto& from : options.mount_from)
        so.scopes.push_back(fmt::format("repository:{}:pull", from));
    MLCI_TRY_ASSIGN(creds, find_credentials(ref.host));
    MLCI_TRY_ASSIGN(session, Session::open(ref.host, std::move(so), std::move(creds)));
    return std::make_unique<RegistryRemote>(ref, options, std::move(session));
}

Result<bool> RegistryRemote::exists(const std::string& path, bool manifest) {
    auto r = net::make_request("HEAD", url(path));
    r.follow_redirects = true;
    if (manifest)
        r.headers.push_back(manifest_accept_header());
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    if (res.status == 200)
        return true;
    if (res.status == 404)
        return false;
    return std::unexpected(m_session->answer_error(res, location()));
}

Result<bool> RegistryRemote::has_blob(const store::Descriptor& d) {
    return exists("blobs/" + d.digest.str(), false);
}

Result<bool> RegistryRemote::has_manifest(const hash::Digest& d) {
    return exists("manifests/" + d.str(), true);
}

Result<std::optional<hash::Digest>> RegistryRemote::resolve_tag(const std::string& tag) {
    auto r = net::make_request("HEAD", url("manifests/" + tag));
    r.headers.push_back(manifest_accept_header());
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    if (res.status == 404)
        return std::optional<hash::Digest>();
    if (res.status != 200)
        return std::unexpected(m_session->answer_error(res, location() + ":" + tag));
    if (auto d = hash::Digest::parse(res.header("docker-content-digest")))
        return std::optional<hash::Digest>(*d);
    // No digest header (allowed by the spec): read the manifest and hash it.
    MLCI_TRY_ASSIGN(m, get_manifest_if_any(tag));
    if (!m)
        return std::optional<hash::Digest>();
    return std::optional<hash::Digest>(m->digest);
}

// The tags list API, page by page as the Link header leads (a bounded
// number of pages: a registry that loops must not hang the caller).
Result<std::vector<std::string>> RegistryRemote::list_tags() {
    constexpr int k_max_pages = 1000;
    std::vector<std::string> tags;
    auto next = url("tags/list?n=1000");
    for (int page = 0; page < k_max_pages && !next.empty(); ++page) {
        auto r = net::make_request("GET", next);
        MLCI_TRY_ASSIGN(res, m_session->send(r));
        if (res.status == 404)
            return tags;
        if (res.status != 200)
            return std::unexpected(m_session->answer_error(res, location()));
        MLCI_TRY_ASSIGN(j,
                        parse_json_object(res.body, fmt::format("tag list from '{}'", location())));
        if (auto t = j.find("tags"); t != j.end() && t->is_array())
            for (auto& tag : *t)
                if (tag.is_string())
                    tags.push_back(tag.get<std::string>());
        // Link: </v2/NAME/tags/list?n=1000&last=TAG>; rel="next"
        auto link = res.header("link");
        auto open = link.find('<'), close = link.find('>');
        next = open != std::string::npos && close != std::string::npos && close > open &&
                       link.find("rel=\"next\"", close) != std::string::npos
                   ? net::resolve_location(next, link.substr(open + 1, close - open - 1))
                   : std::string();
    }
    return tags;
}

Result<std::optional<RawManifest>>
RegistryRemote::get_manifest_if_any(const std::string& reference) {
    auto r = net::make_request("GET", url("manifests/" + reference));
    r.headers.push_back(manifest_accept_header());
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    if (res.status == 404)
        return std::optional<RawManifest>();
    if (res.status != 200)
        return std::unexpected(m_session->answer_error(res, location() + ":" + reference));
    RawManifest m;
    m.media_type = strip_params(res.header("content-type"));
    if (m.media_type.empty() || m.media_type == "application/json" || m.media_type == "text/plain")
        m.media_type = sniff_media_type(res.body);
    m.bytes = std::move(res.body);
    m.digest = hash::sha256_of(m.bytes);
    if (auto claimed = hash::Digest::parse(res.header("docker-content-digest")))
        m.claimed = *claimed;
    return std::optional<RawManifest>(std::move(m));
}

Result<RawManifest> RegistryRemote::get_manifest(const std::string& reference) {
    MLCI_TRY_ASSIGN(m, get_manifest_if_any(reference));
    if (!m) {
        auto sep = reference.starts_with("sha256:") ? "@" : ":";
        return usage_error("'{}{}{}' is not in the registry (it answered 404 MANIFEST_UNKNOWN)",
                           location(), sep, reference);
    }
    return std::move(*m);
}

Status RegistryRemote::put_manifest_as(const RawManifest& m, const std::string& reference,
                                       bool* indexed) {
    auto r = net::make_request("PUT", url("manifests/" + reference));
    r.headers.push_back("Content-Type: " + m.media_type);
    r.body = m.bytes;
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    if (res.status != 201 && res.status != 200)
        return std::unexpected(m_session->answer_error(res, location() + ":" + reference));
    if (indexed)
        *indexed = !res.header("oci-subject").empty();
    return {};
}

Result<bool> RegistryRemote::put_manifest(const RawManifest& m) {
    bool indexed = false;
    MLCI_TRY(put_manifest_as(m, m.digest.str(), &indexed));
    return indexed;
}

Status RegistryRemote::tag_manifest(const RawManifest& m, const std::string& tag) {
    return put_manifest_as(m, tag, nullptr);
}

// Asks once whether the registry has the referrers API: a registry with it
// answers 200 with an index even for a subject nobody refers to.
Result<bool> RegistryRemote::referrers_api() {
    {
        std::lock_guard lock(m_mutex);
        if (m_has_referrers_api)
            return *m_has_referrers_api;
    }
    std::string probe(64, '0');
    auto r = net::make_request("GET", url("referrers/sha256:" + probe));
    r.headers.push_back(fmt::format("Accept: {}", store::k_oci_index));
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    bool api = res.status == 200 && strip_params(res.header("content-type")) == store::k_oci_index;
    std::lock_guard lock(m_mutex);
    m_has_referrers_api = api;
    return api;
}

Result<std::vector<store::Descriptor>> RegistryRemote::referrers(const store::Descriptor& subject) {
    MLCI_TRY_ASSIGN(api, referrers_api());
    if (api) {
        auto r = net::make_request("GET", url("referrers/" + subject.digest.str()));
        r.headers.push_back(fmt::format("Accept: {}", store::k_oci_index));
        MLCI_TRY_ASSIGN(res, m_session->send(r));
        if (res.status == 200)
            return index_descriptors(res.body, location());
        if (res.status != 404)
            return std::unexpected(m_session->answer_error(res, location()));
    }
    MLCI_TRY_ASSIGN(index, get_manifest_if_any(referrers_fallback_tag(subject.digest)));
    if (!index)
        return std::vector<store::Descriptor>();
    return index_descriptors(index->bytes, location());
}

Status RegistryRemote::add_referrers(const store::Descriptor& subject,
                                     const std::vector<store::Descriptor>& refs) {
    if (refs.empty())
        return {};
    MLCI_TRY_ASSIGN(api, referrers_api());
    if (api)
        return {}; // the registry indexed each one when it was pushed
    auto tag = referrers_fallback_tag(subject.digest);
    MLCI_TRY_ASSIGN(current, get_manifest_if_any(tag));
    nlohmann::json index{{"schemaVersion", 2},
                         {"mediaType", store::k_oci_index},
                         {"manifests", nlohmann::json::array()}};
    if (current) {
        auto j = nlohmann::json::parse(current->bytes, nullptr, false);
        if (j.is_object() && j.contains("manifests") && j["manifests"].is_array())
            index["manifests"] = j["manifests"];
    }
    bool changed = false;
    for (auto& ref : refs) {
        auto& list = index["manifests"];
        bool listed = std::any_of(list.begin(), list.end(), [&](const nlohmann::json& e) {
            // Not e.value(): it throws when digest is there but not a string.
            auto d = e.is_object() ? e.find("digest") : e.end();
            return d != e.end() && *d == ref.digest.str();
        });
        if (!listed) {
            list.push_back(store::to_json(ref));
            changed = true;
        }
    }
    if (!changed)
        return {};
    RawManifest m{store::k_oci_index, store::canonical(index), {}, {}};
    m.digest = hash::sha256_of(m.bytes);
    return put_manifest_as(m, tag, nullptr);
}

} // namespace mlci::registry
