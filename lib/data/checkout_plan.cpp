#include <algorithm>
#include <mlci/core/fs.hpp>
#include <mlci/data/checkout_plan.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <set>
#include <unordered_map>

namespace mlci::data {

namespace {

using EntryIndex = std::unordered_map<std::string_view, const store::FileEntry*>;

EntryIndex index_by_path(const std::vector<store::FileEntry>& files) {
    EntryIndex out;
    out.reserve(files.size());
    for (auto& f : files)
        out.emplace(f.path, &f);
    return out;
}

bool same_exec_bits(uint32_t a, uint32_t b) {
    return (a & 0111) == (b & 0111);
}

// ---- planning ------------------------------------------------------------------

// The files of the version that `pointer_file` records; none without a pointer
// file, or when the store lacks its list (then only content in the store counts
// as safe to replace).
Result<std::vector<store::FileEntry>>
recorded_files(const store::Store& store, const fs::path& pointer_file, const Reporter& reporter) {
    std::error_code ec;
    if (pointer_file.empty() || !fs::exists(pointer_file, ec))
        return std::vector<store::FileEntry>{};
    MLCI_TRY_ASSIGN(pointer, read_pointer(pointer_file));
    if (!store.has_blob(pointer.tree)) {
        reporter.say(fmt::format("note: the version that '{}' records is not in the store; "
                                 "only files whose content the store has will be replaced",
                                 pointer_file.string()));
        return std::vector<store::FileEntry>{};
    }
    return load_files(store,
                      store::Descriptor{store::k_media_file_list, pointer.tree, 0, {}, {}, {}});
}

// The store has the data of every file to write; else nothing is written,
// and the message names the pull that brings the data (exit 3).
Status check_blobs(const store::Store& store, const RootPlan& plan, const std::string& label) {
    std::vector<const store::FileEntry*> missing;
    for (auto i : plan.writes)
        if (!store::has_content(store, plan.files[i]))
            missing.push_back(&plan.files[i]);
    if (missing.empty())
        return {};
    auto& first = missing.front()->path;
    if (store::is_partial(store, plan.root.file_list))
        return runtime_error(
            "the store lacks the data of {} of the {} files to write (first '{}{}'): version "
            "'{}' was pulled in part; fetch it with 'mlci pull {} --path {}' (add '--remote "
            "NAME' or give HOST/REPO:TAG when there is no default remote), or pull the whole "
            "version without --path",
            missing.size(), plan.writes.size(), plan.prefix, first, label, label, first);
    return runtime_error(
        "version '{}' is incomplete in this store: {} of the {} files to write "
        "have no blob (first '{}{}'); pull it again with 'mlci pull' (with a default remote, "
        "'mlci remote add origin HOST/REPO -d', checkout pulls it), or run 'mlci verify'",
        label, missing.size(), plan.writes.size(), plan.prefix, first);
}

Status check_outside_store(const store::Store& store, const fs::path& root_path) {
    if (root_path == store.root() || !relative_inside(root_path, store.root()).empty() ||
        !relative_inside(store.root(), root_path).empty())
        return usage_error("cannot check out into '{}': it overlaps the store '{}'",
                           root_path.string(), store.root().string());
    return {};
}

} // namespace

Result<RootPlan> plan_root(const store::Store& store, RootPlan plan, const std::string& label,
                           StatCaches& caches, unsigned jobs, const Reporter& reporter) {
    MLCI_TRY(check_outside_store(store, plan.dest / plan.root.name));
    MLCI_TRY_ASSIGN(files, load_root_files(store, plan.root));
    plan.files = std::move(files);
    MLCI_TRY_ASSIGN(recorded, recorded_files(store, plan.pointer_file, reporter));
    MLCI_TRY_ASSIGN(workspace, scan_workspace(plan.dest, plan.root.name, jobs));

    auto wanted_by = index_by_path(plan.files);
    auto recorded_by = index_by_path(recorded);
    MLCI_TRY(digest_files(
        workspace, plan.dest, caches,
        [&](size_t i) {
            return wanted_by.contains(workspace[i].path) || recorded_by.contains(workspace[i].path);
        },
        jobs, reporter));

    // A workspace file may go only when nothing is lost: it holds what the
    // pointer file records, or content the store has anyway.
    auto recoverable = [&](const WorkspaceFile& f) {
        auto r = recorded_by.find(f.path);
        return (r != recorded_by.end() && r->second->digest == f.digest) ||
               store::has_content(store, f.digest);
    };
    std::unordered_map<std::string_view, const WorkspaceFile*> present;
    present.reserve(workspace.size());
    for (auto& f : workspace)
        present.emplace(f.path, &f);

    for (size_t i = 0; i < plan.files.size(); ++i) {
        auto& want = plan.files[i];
        if (plan.in_part &&
            (plan.selected.empty() || !store::path_selected(want.path, plan.selected)))
            continue;
        auto it = present.find(want.path);
        if (it == present.end()) {
            plan.writes.push_back(i);
            continue;
        }
        auto& have = *it->second;
        if (have.digest == want.digest && same_exec_bits(have.stat.mode, want.mode)) {
            ++plan.unchanged;
            continue;
        }
        if (!recoverable(have))
            plan.lost.push_back(plan.prefix + have.path);
        plan.writes.push_back(i);
    }
    for (auto& have : workspace) {
        if (plan.in_part || wanted_by.contains(have.path))
            continue;
        if (!recorded_by.contains(have.path)) {
            plan.extras.push_back(have.path);
            continue;
        }
        if (!recoverable(have))
            plan.lost.push_back(plan.prefix + have.path);
        plan.removals.push_back(have.path);
    }
    MLCI_TRY(check_blobs(store, plan, label));
    return plan;
}

Status refuse_losses(const std::vector<RootPlan>& plans) {
    std::vector<std::string> lost;
    for (auto& p : plans)
        lost.insert(lost.end(), p.lost.begin(), p.lost.end());
    if (lost.empty())
        return {};
    std::string list;
    for (size_t i = 0; i < lost.size() && i < 10; ++i)
        list += fmt::format("{}'{}'", i ? ", " : "", lost[i]);
    if (lost.size() > 10)
        list += fmt::format(" and {} more", lost.size() - 10);
    return usage_error("checkout would lose changes to {} file{} that the store does not have: {} "
                       "(version them with 'mlci data-version add', or use --force to discard "
                       "them)",
                       lost.size(), lost.size() == 1 ? "" : "s", list);
}

// The first plan of each root, with where it goes; no two roots may land on one path.
Result<std::vector<RootPlan>> destinations(const ResolvedVersion& version,
                                           const std::optional<fs::path>& to,
                                           const fs::path& project) {
    std::vector<RootPlan> plans;
    std::set<fs::path> seen;
    for (auto& root : version.roots) {
        RootPlan plan;
        plan.root = root;
        plan.dest = to ? *to : root.base;
        plan.prefix = path_prefix(plan.dest, project);
        if (!to)
            plan.pointer_file = plan.dest / (root.name + k_pointer_suffix);
        if (!seen.insert(plan.dest / root.name).second)
            return usage_error("version '{}' has two paths named '{}'; check them out one at a "
                               "time with their pointer files, or without --to",
                               version.label, root.name);
        plans.push_back(std::move(plan));
    }
    return plans;
}

// checkout REF PATH...: each PATH becomes a glob over the files of the roots
// it lies in; one that lies in none is a usage error before anything is read.
Status select_paths(std::vector<RootPlan>& plans, const CheckoutOptions& options,
                    const std::string& label) {
    std::vector<bool> found(options.paths.size());
    for (auto& plan : plans) {
        plan.in_part = true;
        for (auto& [i, glob] : path_selectors(plan.dest, options.paths, options.cwd)) {
            plan.selected.push_back(glob);
            plan.selected_by.push_back(i);
            found[i] = true;
        }
    }
    for (size_t i = 0; i < found.size(); ++i)
        if (!found[i])
            return usage_error("'{}' is not a path of version '{}' (give files or folders in "
                               "the folder it is checked out to)",
                               options.paths[i], label);
    return {};
}

// With PATH...: each one selects at least one file of the version.
Status check_selected(const std::vector<RootPlan>& plans, const CheckoutOptions& options,
                      const std::string& label) {
    for (size_t i = 0; i < options.paths.size(); ++i) {
        bool any = false;
        for (auto& plan : plans)
            for (size_t k = 0; k < plan.selected.size() && !any; ++k)
                if (plan.selected_by[k] == i)
                    any = std::ranges::any_of(plan.files, [&](const store::FileEntry& f) {
                        return store::path_selected(f.path, {plan.selected[k]});
                    });
        if (!any)
            return usage_error("'{}' names no file of version '{}'", options.paths[i], label);
    }
    return {};
}

std::vector<std::pair<size_t, std::string>>
path_selectors(const fs::path& dest, const std::vector<std::string>& paths, const fs::path& cwd) {
    std::vector<std::pair<size_t, std::string>> out;
    auto base = dest.lexically_normal().string();
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    for (size_t i = 0; i < paths.size(); ++i) {
        auto abs = (cwd / paths[i]).lexically_normal().string();
        while (abs.size() > 1 && abs.back() == '/')
            abs.pop_back();
        if (abs.starts_with(base + "/"))
            out.emplace_back(i, abs.substr(base.size() + 1));
    }
    return out;
}

} // namespace mlci::data
