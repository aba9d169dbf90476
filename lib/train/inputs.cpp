#include <algorithm>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/train/inputs.hpp>
#include <mlci/train/outputs.hpp>
#include <set>
#include <sstream>

namespace mlci::train {

namespace {

// The dataset version of `name` whose root `root_path` has the file list
// `tree`: what a pointer file names. The highest version wins a tie.
Result<store::IndexEntry> find_by_tree(const store::Store& store,
                                       const std::vector<store::IndexEntry>& entries,
                                       const std::string& name, const std::string& root_path,
                                       const hash::Digest& tree) {
    std::optional<store::IndexEntry> best;
    long best_version = -1;
    std::set<hash::Digest> checked;
    for (auto& e : entries) {
        auto v = parse_version_tag(e.tag);
        if (!v || v->first != name || v->second <= best_version)
            continue;
        if (!checked.insert(e.descriptor.digest).second)
            continue;
        auto m = store.read_manifest(e.descriptor.digest);
        if (!m || m->artifact_type != store::k_type_dataset)
            continue;
        for (auto& l : m->layers)
            if (l.media_type == store::k_media_file_list && l.digest == tree &&
                l.annotations.contains(k_ann_title) && l.annotations.at(k_ann_title) == root_path) {
                best = e;
                best_version = v->second;
            }
    }
    if (!best)
        return usage_error("the version of '{}' that its pointer file records is not in the "
                           "store (run 'mlci data-version add {}', or pull the dataset)",
                           root_path, root_path);
    return *best;
}

InputRecord record_of(const data::Dataset& ds, const std::vector<store::IndexEntry>& entries,
                      std::string name) {
    InputRecord in;
    in.name = std::move(name);
    auto e = best_entry(entries, ds.entry.descriptor.digest).value_or(ds.entry);
    in.reference = store::display_name(e);
    in.digest = ds.entry.descriptor.digest;
    for (auto& r : ds.roots)
        in.paths.push_back(r.path);
    return in;
}

Result<InputRecord> resolve_one(const store::Store& store, const config::ProjectConfig& config,
                                const std::vector<store::IndexEntry>& entries,
                                const std::string& spec, const fs::path& project) {
    std::string alias, ref = spec;
    if (auto eq = spec.find('='); eq != std::string::npos) {
        alias = spec.substr(0, eq);
        ref = spec.substr(eq + 1);
        if (alias.empty() || ref.empty())
            return usage_error("invalid input '{}': expected NAME=REF or REF", spec);
    }
    std::istringstream no_stdin;
    if (auto* d = config.dataset(ref)) {
        auto abs = (config.root / d->path).lexically_normal();
        auto rel = relative_inside(abs, project);
        if (rel.empty())
            return usage_error("dataset '{}' path '{}' is outside the project '{}'", ref, d->path,
                               project.string());
        auto pointer_file = fs::path(abs.string() + data::k_pointer_suffix);
        std::error_code ec;
        store::IndexEntry entry;
        if (fs::exists(pointer_file, ec)) {
            MLCI_TRY_ASSIGN(p, data::read_pointer(pointer_file));
            MLCI_TRY_ASSIGN(found, find_by_tree(store, entries, p.dataset.empty() ? ref : p.dataset,
                                                rel.generic_string(), p.tree));
            entry = found;
        } else {
            auto latest = store::resolve(store, ref + ":latest", no_stdin);
            if (!latest)
                return usage_error("dataset '{}' ({}) has no version in the store (run 'mlci "
                                   "data-version add {}')",
                                   ref, d->path, rel.generic_string());
            entry = *latest;
        }
        MLCI_TRY_ASSIGN(ds, data::load_dataset(store, entry));
        return record_of(ds, entries, alias.empty() ? ref : alias);
    }
    auto entry = store::resolve(store, ref, no_stdin);
    if (!entry)
        return usage_error("unknown input '{}': not a dataset in mlci.yaml nor a reference in "
                           "the store (list them with 'mlci data-version list')",
                           ref);
    MLCI_TRY_ASSIGN(ds, data::load_dataset(store, *entry));
    return record_of(ds, entries, alias.empty() ? ds.name() : alias);
}

} // namespace

std::string env_name(std::string_view name) {
    std::string out;
    for (char c : name)
        out.push_back(std::isalnum(static_cast<unsigned char>(c))
                          ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                          : '_');
    return out;
}

Result<std::vector<InputRecord>> resolve_inputs(const store::Store& store,
                                                const config::ProjectConfig& config,
                                                const std::vector<std::string>& specs,
                                                const fs::path& project) {
    std::vector<InputRecord> out;
    if (specs.empty())
        return out;
    MLCI_TRY_ASSIGN(entries, store.entries());
    for (auto& s : specs) {
        MLCI_TRY_ASSIGN(in, resolve_one(store, config, entries, s, project));
        for (auto& o : out)
            if (env_name(o.name) == env_name(in.name))
                return usage_error("two inputs are named '{}' (name one 'ALIAS=REF')", in.name);
        out.push_back(std::move(in));
    }
    return out;
}

Result<MaterialiseStats> materialise_input(const store::Store& store, const fs::path& project,
                                           const InputRecord& input, unsigned jobs) {
    MaterialiseStats stats;
    MLCI_TRY_ASSIGN(
        ds, data::load_dataset(
                store, store::IndexEntry{{store::k_oci_manifest, input.digest, 0, {}, {}, {}},
                                         input.reference}));
    for (auto& root : ds.roots) {
        auto base = (project / root.path).parent_path();
        MLCI_TRY_ASSIGN(files, data::load_files(store, root.file_list));
        auto cache = data::StatCache::load(store, base);
        enum Verdict : char { ok, restore, conflict };
        std::vector<Verdict> verdict(files.size(), ok);
        std::vector<std::optional<data::FileStat>> stats_of(files.size());
        std::atomic<uint64_t> hashed{0};
        MLCI_TRY(parallel_for(files.size(), jobs, [&](size_t i) -> Status {
            auto& f = files[i];
            auto st = data::stat_file(base / f.path);
            if (!st) {
                verdict[i] = restore;
                return {};
            }
            if (st->size == f.size) {
                if (auto d = cache.lookup(f.path, *st); d && *d == f.digest)
                    return {};
            }
            ++hashed;
            MLCI_TRY_ASSIGN(h, hash::sha256_file(base / f.path));
            if (h.digest == f.digest) {
                stats_of[i] = *st;
                return {};
            }
            // Overwriting is safe only when the store keeps what is there now.
            verdict[i] = store::has_content(store, h.digest) ? restore : conflict;
            return {};
        }));
        std::vector<std::string> problems;
        for (size_t i = 0; i < files.size(); ++i)
            if (verdict[i] == conflict)
                problems.push_back(files[i].path + " (modified)");
        std::error_code ec;
        if (fs::is_directory(project / root.path, ec)) {
            MLCI_TRY_ASSIGN(present, data::scan_root(project / root.path, base, jobs));
            std::set<std::string> listed;
            for (auto& f : files)
                listed.insert(f.path);
            for (auto& p : present)
                if (!listed.contains(p.path))
                    problems.push_back(p.path + " (not in the version)");
        }
        if (!problems.empty()) {
            std::string list;
            for (size_t i = 0; i < problems.size() && i < 5; ++i)
                list += (list.empty() ? "" : ", ") + problems[i];
            if (problems.size() > 5)
                list += fmt::format(" and {} more", problems.size() - 5);
            return usage_error("input '{}': '{}' differs from {}: {} (version it with 'mlci "
                               "data-version add {}', or restore the version with 'mlci "
                               "data-version checkout {} --force')",
                               input.name, root.path, input.reference, list, root.path,
                               input.reference);
        }
        for (size_t i = 0; i < files.size(); ++i) {
            if (verdict[i] != restore)
                continue;
            MLCI_TRY(restore_file(store, files[i], base / files[i].path));
            stats_of[i] = data::stat_file(base / files[i].path).value_or(data::FileStat{});
            ++stats.restored;
        }
        for (size_t i = 0; i < files.size(); ++i)
            if (stats_of[i])
                cache.record(files[i].path, *stats_of[i], files[i].digest);
        stats.files += files.size();
        stats.hashed += hashed;
        if (hashed > 0 || stats.restored > 0)
            (void)cache.save(); // only a shortcut: a failure costs a re-read next time
    }
    return stats;
}

} // namespace mlci::train
