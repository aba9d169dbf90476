#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/registry/known_remotes.hpp>
#include <nlohmann/json.hpp>

namespace mlci::registry {

namespace {

constexpr size_t k_keep_repositories = 32;
constexpr size_t k_keep_artifacts = 64; // per repository

fs::path known_file(const store::Store& store) {
    return store.cache_dir() / "registries.json";
}

// [{"host":..., "repository":..., "artifacts":["sha256:...", ...]}, ...], most recent first
nlohmann::json load(const store::Store& store) {
    auto text = read_file(known_file(store));
    if (!text)
        return nlohmann::json::array();
    auto j = nlohmann::json::parse(*text, nullptr, false);
    return j.is_array() ? j : nlohmann::json::array();
}

bool holds(const nlohmann::json& entry, const hash::Digest& artifact) {
    auto a = entry.find("artifacts");
    return a != entry.end() && a->is_array() &&
           std::find(a->begin(), a->end(), artifact.str()) != a->end();
}

} // namespace

std::vector<std::string> mount_candidates(const store::Store& store, std::string_view host,
                                          std::string_view repository,
                                          const hash::Digest& artifact) {
    std::vector<std::string> with, without;
    for (auto& e : load(store)) {
        if (!e.is_object() || e.value("host", "") != host)
            continue;
        auto repo = e.value("repository", "");
        if (repo.empty() || repo == repository)
            continue;
        (holds(e, artifact) ? with : without).push_back(repo);
    }
    with.insert(with.end(), without.begin(), without.end());
    return with;
}

std::vector<RemoteRef> repositories_holding(const store::Store& store,
                                            const hash::Digest& artifact) {
    std::vector<RemoteRef> out;
    for (auto& e : load(store)) {
        if (!e.is_object() || !holds(e, artifact))
            continue;
        RemoteRef ref;
        ref.host = e.value("host", "");
        ref.repository = e.value("repository", "");
        if (!ref.host.empty() && !ref.repository.empty())
            out.push_back(std::move(ref));
    }
    return out;
}

void remember_remote(const store::Store& store, const RemoteRef& ref,
                     const hash::Digest& artifact) {
    if (ref.kind != RemoteRef::Kind::registry)
        return;
    auto lock = FileLock::acquire(store.lock_path("registries"), FileLock::Mode::exclusive);
    if (!lock)
        return;
    auto list = load(store);
    nlohmann::json artifacts = nlohmann::json::array({artifact.str()});
    nlohmann::json out = nlohmann::json::array();
    for (auto& e : list) {
        if (!e.is_object())
            continue;
        if (e.value("host", "") == ref.host && e.value("repository", "") == ref.repository) {
            if (auto a = e.find("artifacts"); a != e.end() && a->is_array())
                for (auto& d : *a)
                    if (artifacts.size() < k_keep_artifacts && d != artifact.str())
                        artifacts.push_back(d);
        } else if (out.size() + 1 < k_keep_repositories) {
            out.push_back(e);
        }
    }
    auto entry = nlohmann::json::object();
    entry["host"] = ref.host;
    entry["repository"] = ref.repository;
    entry["artifacts"] = std::move(artifacts);
    out.insert(out.begin(), std::move(entry));
    (void)write_file_atomic(known_file(store), out.dump(1) + "\n", false);
}

} // namespace mlci::registry
