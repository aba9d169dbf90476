#include <algorithm>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/registry/remotes.hpp>
#include <nlohmann/json.hpp>

namespace mlci::registry {

namespace {

constexpr const char* k_add_hint = "add one with 'mlci remote add origin HOST/REPO -d'";

fs::path remotes_file(const store::Store& store) {
    return store.root() / "mlci" / "remotes.json";
}

// What the store's file holds: {"default": NAME, "remotes": {NAME: {"url": ..., "plain_http":
// ...}}}
struct StoreRemotes {
    std::string default_name;
    std::vector<config::RemoteConfig> list;
};

Result<StoreRemotes> read_store_remotes(const store::Store& store) {
    StoreRemotes out;
    auto file = remotes_file(store);
    std::error_code ec;
    if (!fs::exists(file, ec))
        return out;
    MLCI_TRY_ASSIGN(text, read_file(file));
    auto parsed = parse_json_object(text, fmt::format("'{}'", file.string()));
    if (!parsed)
        return usage_error("{} (fix or remove it, then add the remotes again)",
                           parsed.error().message);
    auto& j = *parsed;
    auto malformed = [&](std::string_view why) {
        return usage_error("malformed '{}': {} (fix or remove it, then add the remotes again)",
                           file.string(), why);
    };
    if (auto d = j.find("default"); d != j.end()) {
        if (!d->is_string())
            return malformed("'default' is not a string");
        out.default_name = d->get<std::string>();
    }
    if (auto r = j.find("remotes"); r != j.end()) {
        if (!r->is_object())
            return malformed("'remotes' is not an object");
        for (auto& [name, v] : r->items()) {
            if (!v.is_object() || !v.contains("url") || !v["url"].is_string())
                return malformed(fmt::format("remote '{}' has no url", name));
            config::RemoteConfig c;
            c.name = name;
            c.url = v["url"].get<std::string>();
            c.plain_http = v.value("plain_http", false);
            out.list.push_back(std::move(c));
        }
    }
    return out;
}

Status write_store_remotes(const store::Store& store, const StoreRemotes& r) {
    nlohmann::json remotes = nlohmann::json::object();
    for (auto& c : r.list)
        remotes[c.name] = {{"url", c.url}, {"plain_http", c.plain_http}};
    nlohmann::json doc{{"remotes", remotes}};
    if (!r.default_name.empty())
        doc["default"] = r.default_name;
    return write_file_atomic(remotes_file(store), doc.dump(2) + "\n");
}

Result<Remotes> merge(const StoreRemotes& mine, const config::ProjectConfig& project) {
    Remotes out;
    std::string project_default;
    auto add = [&](const config::RemoteConfig& c, bool from_project) -> Status {
        auto where = from_project ? project.file.string() : std::string("the store");
        if (auto ok = validate_remote_name(c.name); !ok)
            return usage_error("{} (in {})", ok.error().message, where);
        auto ref = parse_remote_url(c.url);
        if (!ref)
            return usage_error("remote '{}' (in {}): {}", c.name, where, ref.error().message);
        // A layout path in mlci.yaml is relative to the project, as its other paths are.
        if (from_project && ref->kind == RemoteRef::Kind::layout && ref->path.is_relative())
            ref->path = (project.root / ref->path).lexically_normal();
        out.list.push_back({c.name, c.url, *ref, c.plain_http, from_project});
        return {};
    };
    for (auto& c : mine.list)
        MLCI_TRY(add(c, false));
    for (auto& c : project.remotes) {
        if (c.is_default)
            project_default = c.name;
        if (!out.find(c.name))
            MLCI_TRY(add(c, true));
    }
    std::sort(out.list.begin(), out.list.end(), [](auto& a, auto& b) { return a.name < b.name; });
    if (!mine.default_name.empty() && out.find(mine.default_name))
        out.default_name = mine.default_name;
    else if (!project_default.empty())
        out.default_name = project_default;
    return out;
}

// Runs `change` on the store's remotes under a lock, checks the result
// merges with mlci.yaml's, and writes it.
template <typename F>
Status update(const store::Store& store, const config::ProjectConfig& project, F&& change) {
    MLCI_TRY_ASSIGN(lock, FileLock::acquire(store.lock_path("remotes"), FileLock::Mode::exclusive));
    MLCI_TRY_ASSIGN(mine, read_store_remotes(store));
    MLCI_TRY_ASSIGN(before, merge(mine, project));
    MLCI_TRY(change(mine, before));
    MLCI_TRY(merge(mine, project));
    return write_store_remotes(store, mine);
}

} // namespace

const NamedRemote* Remotes::find(std::string_view name) const {
    for (auto& r : list)
        if (r.name == name)
            return &r;
    return nullptr;
}

Status validate_remote_name(std::string_view name) {
    auto ok_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    };
    bool ok = !name.empty() && name.size() <= 64 && ok_char(name[0]) && name[0] != '.' &&
              name[0] != '_' && name[0] != '-' && std::all_of(name.begin(), name.end(), ok_char);
    if (!ok)
        return usage_error("invalid remote name '{}' (use lowercase letters, digits, '.', '_' "
                           "and '-', starting with a letter or digit)",
                           name);
    return {};
}

Result<RemoteRef> parse_remote_url(std::string_view url) {
    MLCI_TRY_ASSIGN(ref, parse_remote(url));
    if (!ref.tag.empty() || ref.digest)
        return usage_error("remote URL '{}' names a tag or digest (give where artifacts go, "
                           "HOST[:PORT]/REPO or oci:PATH: each artifact's NAME:TAG is added to "
                           "it)",
                           url);
    return ref;
}

Result<Remotes> load_remotes(const store::Store& store, const config::ProjectConfig& project) {
    MLCI_TRY_ASSIGN(mine, read_store_remotes(store));
    return merge(mine, project);
}

Status add_remote(const store::Store& store, const config::ProjectConfig& project,
                  const std::string& name, const std::string& url, bool plain_http,
                  bool make_default) {
    MLCI_TRY(validate_remote_name(name));
    MLCI_TRY_ASSIGN(ref, parse_remote_url(url));
    // A layout is kept by its absolute path: the store is used from any folder.
    auto kept = url;
    if (ref.kind == RemoteRef::Kind::layout && ref.path.is_relative())
        kept = "oci:" + fs::absolute(ref.path).lexically_normal().string();
    return update(store, project, [&](StoreRemotes& mine, const Remotes& before) -> Status {
        for (auto& c : mine.list)
            if (c.name == name)
                return usage_error("remote '{}' already exists ('{}'); remove it first with "
                                   "'mlci remote remove {}'",
                                   name, c.url, name);
        mine.list.push_back({name, kept, plain_http, false});
        if (make_default || !before.default_remote())
            mine.default_name = name;
        return {};
    });
}

Status remove_remote(const store::Store& store, const config::ProjectConfig& project,
                     const std::string& name) {
    MLCI_TRY(validate_remote_name(name));
    return update(store, project, [&](StoreRemotes& mine, const Remotes& before) -> Status {
        auto it = std::find_if(mine.list.begin(), mine.list.end(),
                               [&](auto& c) { return c.name == name; });
        if (it == mine.list.end()) {
            if (auto* r = before.find(name); r && r->from_project)
                return usage_error("remote '{}' is defined in mlci.yaml; remove it there", name);
            return usage_error("no such remote '{}' (see 'mlci remote list')", name);
        }
        mine.list.erase(it);
        if (mine.default_name == name)
            mine.default_name.clear();
        return {};
    });
}

Status set_default_remote(const store::Store& store, const config::ProjectConfig& project,
                          const std::string& name) {
    MLCI_TRY(validate_remote_name(name));
    return update(store, project, [&](StoreRemotes& mine, const Remotes& before) -> Status {
        if (!before.find(name))
            return usage_error("no such remote '{}' (see 'mlci remote list')", name);
        mine.default_name = name;
        return {};
    });
}

Result<NamedRemote> pick_remote(const Remotes& remotes, std::string_view name) {
    if (!name.empty()) {
        MLCI_TRY(validate_remote_name(name));
        if (auto* r = remotes.find(name))
            return *r;
        return usage_error("no such remote '{}' (see 'mlci remote list', or {})", name, k_add_hint);
    }
    if (auto* r = remotes.default_remote())
        return *r;
    if (remotes.list.empty())
        return usage_error("no remote to use: none is set up ({})", k_add_hint);
    return usage_error("no remote to use: none is the default (make one the default with 'mlci "
                       "remote default {}', or {})",
                       remotes.list.front().name, k_add_hint);
}

Result<RemoteRef> artifact_ref(const NamedRemote& remote, std::string_view name,
                               std::string_view tag) {
    // Built as text and parsed again: one parser decides what a valid
    // repository, layout and tag are.
    std::string text = remote.ref.kind == RemoteRef::Kind::layout
                           ? fmt::format("{}:{}:{}", remote.ref.location(), name, tag)
                           : fmt::format("{}/{}:{}", remote.ref.location(), name, tag);
    auto ref = parse_remote(text);
    if (!ref)
        return usage_error("cannot put '{}:{}' on remote '{}': {}", name, tag, remote.name,
                           ref.error().message);
    return ref;
}

std::pair<std::string, std::string> split_tag(std::string_view tag) {
    auto colon = tag.rfind(':');
    if (colon == std::string_view::npos)
        return {std::string(tag), "latest"};
    return {std::string(tag.substr(0, colon)), std::string(tag.substr(colon + 1))};
}

} // namespace mlci::registry
