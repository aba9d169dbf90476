#include <algorithm>
#include <map>
#include <mlci/config/project_config.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/project/status.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/execute.hpp>
#include <mlci/train/history.hpp>
#include <set>
#include <unordered_map>

namespace mlci::project {

namespace {

// NAME:vN of the dataset version whose layers hold `tree`, among `name`'s versions.
std::string version_holding(const store::Store& store,
                            const std::vector<store::IndexEntry>& entries, const std::string& name,
                            const hash::Digest& tree) {
    long best = -1;
    std::string out;
    for (auto& e : entries) {
        auto v = store::tag_version(e.tag, name);
        if (v <= best)
            continue;
        auto m = store.read_manifest(e.descriptor.digest);
        if (!m)
            continue;
        for (auto& l : m->layers)
            if (l.digest == tree) {
                best = v;
                out = e.tag;
            }
    }
    return out;
}

Status read_datasets(store::Store& store, const config::ProjectConfig& config, const fs::path& root,
                     unsigned jobs, const Reporter& reporter, ProjectStatus& out) {
    data::StatusOptions o;
    o.cwd = root;
    o.jobs = jobs;
    MLCI_TRY_ASSIGN(report, data::workspace_status(store, o, reporter));
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::set<std::string> seen_paths;
    for (auto& r : report.roots) {
        DatasetStatus d;
        d.name = r.pointer.dataset;
        d.path = r.path;
        d.pointer = r.pointer_path;
        d.version = version_holding(store, entries, r.pointer.dataset, r.pointer.tree);
        d.changed = r.changes.size();
        seen_paths.insert(d.path);
        out.datasets.push_back(std::move(d));
    }
    // Datasets mlci.yaml names that no pointer file versions yet.
    for (auto& c : config.datasets) {
        auto path = fs::path(c.path).lexically_normal().generic_string();
        if (seen_paths.contains(path))
            continue;
        DatasetStatus d;
        d.name = c.name;
        d.path = path;
        out.datasets.push_back(std::move(d));
    }
    return {};
}

TrainStatus read_train(const store::Store& store, const config::ProjectConfig& config,
                       const fs::path& root) {
    TrainStatus t;
    t.name = config.train->name;
    if (!config.train->stages.empty()) {
        // Each stage's key holds what its upstream stages make: known only by running them.
        t.cache = "unknown";
        t.problem = fmt::format("train has {} stages, each cached on its own: mlci train says "
                                "which it runs and which it reuses",
                                config.train->stages.size());
        return t;
    }
    train::TrainOptions o;
    o.cwd = root;
    auto plan = train::make_plan(store, o);
    if (!plan) {
        t.cache = "unknown";
        t.problem = plan.error().message;
        return t;
    }
    t.name = plan->name;
    if (!plan->use_cache) {
        t.cache = "off";
        return t;
    }
    auto hit =
        train::RunCache(store).lookup(train::cache_key(train::cache_facts(*plan, plan->params)));
    if (!hit) {
        t.cache = "unknown";
        t.problem = hit.error().message;
    } else if (*hit) {
        t.cache = "hit";
        t.run = (*hit)->tag.empty() ? (*hit)->descriptor.digest.str() : (*hit)->tag;
    } else {
        t.cache = "miss";
    }
    return t;
}

Status read_awaiting(const store::Store& store, ProjectStatus& out) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::set<hash::Digest> validated;
    for (auto& e : entries) {
        if (e.descriptor.artifact_type != store::k_type_validation)
            continue;
        auto m = store.read_manifest(e.descriptor.digest);
        if (m && m->subject)
            validated.insert(m->subject->digest);
    }
    MLCI_TRY_ASSIGN(runs, train::list_runs(store, ""));
    for (auto& r : runs)
        if (r.record.status == train::RunStatus::succeeded &&
            !validated.contains(r.entry.descriptor.digest))
            out.awaiting.push_back({r.reference(), r.record.ended});
    return {};
}

Status read_environments(const store::Store& store, ProjectStatus& out) {
    MLCI_TRY_ASSIGN(all, deploy::all_deployments(store));
    std::map<std::string, std::vector<const deploy::DeploymentEntry*>> by_env;
    for (auto& d : all)
        by_env[d.deployment.environment].push_back(&d);
    for (auto& [env, list] : by_env) {
        EnvironmentStatus s;
        s.environment = env;
        MLCI_TRY_ASSIGN(now, deploy::current(store, env));
        if (now) {
            s.package = now->deployment.package_ref.empty() ? now->deployment.package.str()
                                                            : now->deployment.package_ref;
            s.deployment = now->reference;
            s.finished = now->deployment.finished;
        }
        auto newest = std::max_element(list.begin(), list.end(),
                                       [](auto* a, auto* b) { return a->version < b->version; });
        if (!now || (*newest)->digest != now->digest)
            s.last_outcome = fmt::format("{} {}", (*newest)->reference,
                                         deploy::to_string((*newest)->deployment.outcome));
        out.environments.push_back(std::move(s));
    }
    return {};
}

} // namespace

nlohmann::json ProjectStatus::to_json() const {
    auto or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    nlohmann::json ds = nlohmann::json::array(), aw = nlohmann::json::array(),
                   envs = nlohmann::json::array();
    for (auto& d : datasets)
        ds.push_back({{"name", d.name},
                      {"path", d.path},
                      {"pointer", or_null(d.pointer)},
                      {"version", or_null(d.version)},
                      {"changed_files", d.changed},
                      {"clean", d.clean()}});
    for (auto& a : awaiting)
        aw.push_back({{"reference", a.reference}, {"ended", a.ended}});
    for (auto& e : environments)
        envs.push_back({{"environment", e.environment},
                        {"package", or_null(e.package)},
                        {"deployment", or_null(e.deployment)},
                        {"finished", or_null(e.finished)},
                        {"last", or_null(e.last_outcome)}});
    nlohmann::json tr = nullptr;
    if (train)
        tr = {{"name", train->name},
              {"cache", train->cache},
              {"run", or_null(train->run)},
              {"problem", or_null(train->problem)}};
    return {{"root", root.string()},
            {"datasets", ds},
            {"train", tr},
            {"awaiting_validation", aw},
            {"environments", envs}};
}

Result<ProjectStatus> project_status(store::Store& store, const fs::path& cwd, unsigned jobs,
                                     const Reporter& reporter) {
    ProjectStatus out;
    out.root = data::project_root(store, cwd);
    MLCI_TRY_ASSIGN(config, config::find_project_config(out.root));
    MLCI_TRY(read_datasets(store, config, out.root, jobs, reporter, out));
    if (config.train)
        out.train = read_train(store, config, out.root);
    MLCI_TRY(read_awaiting(store, out));
    MLCI_TRY(read_environments(store, out));
    return out;
}

} // namespace mlci::project
