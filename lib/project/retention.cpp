#include <mlci/data/pointer.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/deploy/deploy.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/project/retention.hpp>
#include <mlci/store/media_types.hpp>
#include <set>

namespace mlci::project {

namespace {

// Each environment's running package and the one `deploy rollback` goes to.
Status protect_deployed(const store::Store& store, std::unordered_set<hash::Digest>& out) {
    MLCI_TRY_ASSIGN(all, deploy::all_deployments(store));
    std::set<std::string> environments;
    for (auto& d : all)
        environments.insert(d.deployment.environment);
    for (auto& env : environments) {
        MLCI_TRY_ASSIGN(now, deploy::current(store, env));
        if (now)
            out.insert(now->deployment.package);
        if (auto back = deploy::rollback_package(store, env, ""))
            out.insert(*back);
    }
    return {};
}

// The dataset versions whose file lists the pointer files under `root` name.
Status protect_pointed(const store::Store& store, const fs::path& root,
                       const std::vector<store::IndexEntry>& entries,
                       std::unordered_set<hash::Digest>& out) {
    MLCI_TRY_ASSIGN(files, data::find_pointer_files(root));
    std::unordered_set<hash::Digest> trees;
    for (auto& f : files)
        if (auto p = data::read_pointer(f))
            trees.insert(p->tree);
    if (trees.empty())
        return {};
    std::unordered_set<hash::Digest> seen;
    for (auto& e : entries) {
        if (e.tag.empty() || !seen.insert(e.descriptor.digest).second)
            continue;
        auto m = store.read_manifest(e.descriptor.digest);
        if (!m)
            continue; // verify reports it; retention only needs what it can read
        for (auto& l : m->layers)
            if (trees.contains(l.digest))
                out.insert(e.descriptor.digest);
    }
    return {};
}

} // namespace

Result<store::RetentionOptions> retention_for(const store::Store& store, const fs::path& root,
                                              unsigned keep_last) {
    store::RetentionOptions o;
    o.keep_last = keep_last;
    MLCI_TRY_ASSIGN(entries, store.entries());
    MLCI_TRY(protect_deployed(store, o.protect));
    MLCI_TRY(protect_pointed(store, root, entries, o.protect));
    o.exempt = [](const store::IndexEntry& e) {
        return e.descriptor.artifact_type == store::k_type_deployment;
    };
    return o;
}

} // namespace mlci::project
