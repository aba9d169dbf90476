// `mlci data-version add`: scan, hash-and-store in one read on all cores,
// one sync, then manifest, tag, pointer files.
#include <array>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mlci/core/clock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/data/project.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/vcs/git.hpp>

namespace mlci::data {

namespace {

struct Root {
    fs::path rel;  // relative to the project root
    fs::path abs;  // absolute path of the root
    fs::path base; // its parent folder: file-list paths are relative to it
    std::vector<ScannedFile> files;
};

Result<std::vector<Root>> collect_roots(const store::Store& store, const AddOptions& options,
                                        const fs::path& project) {
    std::vector<Root> roots;
    for (auto& p : options.paths) {
        MLCI_TRY_ASSIGN(rel, project_relative(p, options.cwd, project));
        if (rel == ".")
            return usage_error("cannot version the whole project '{}'; name its data folders",
                               project.string());
        auto abs = project / rel;
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(abs, ec)))
            return usage_error("path '{}' does not exist", p.string());
        if (abs == store.root() || !relative_inside(abs, store.root()).empty() ||
            !relative_inside(store.root(), abs).empty())
            return usage_error("path '{}' overlaps the store '{}'", p.string(),
                               store.root().string());
        if (abs.string().ends_with(k_pointer_suffix))
            return usage_error("'{}' is a pointer file; give the data path it names", p.string());
        for (auto& r : roots)
            if (r.rel == rel || !relative_inside(abs, r.abs).empty() ||
                !relative_inside(r.abs, abs).empty())
                return usage_error("paths '{}' and '{}' overlap", r.rel.string(), rel.string());
        roots.push_back({rel, abs, abs.parent_path(), {}});
    }
    if (roots.empty())
        return usage_error("no path given to add");
    return roots;
}

// Once per add, why --link copied files after all.
void say_link_fallbacks(const std::array<std::atomic<bool>, 4>& fallbacks,
                        const store::Store& store, const Reporter& reporter) {
    if (fallbacks[static_cast<size_t>(LinkFallback::privileged)])
        reporter.say("note: --link: a hard link would not protect the stored version from root; "
                     "copied instead");
    if (fallbacks[static_cast<size_t>(LinkFallback::other_file_system)])
        reporter.say(fmt::format("note: --link: the store '{}' is on another file system; copied "
                                 "instead",
                                 store.root().string()));
    if (fallbacks[static_cast<size_t>(LinkFallback::not_linkable)])
        reporter.say("note: --link: files not owned by you, or that the file system would not "
                     "hard-link, were copied instead");
}

// `message` with the absolute path of a file replaced by the path the user knows.
std::string with_path(std::string message, const fs::path& abs, const std::string& rel) {
    auto from = abs.string();
    for (size_t at = message.find(from); at != std::string::npos;
         at = message.find(from, at + rel.size()))
        message.replace(at, from.size(), rel);
    return message;
}

nlohmann::json git_record(const std::optional<vcs::GitInfo>& git) {
    if (!git)
        return nullptr;
    return {{"commit", git->commit}, {"branch", git->branch}, {"dirty", git->dirty}};
}

// The profile of each CSV file, reusing the previous version's profile of
// the same content (profiling is the slow part of re-adding a big table). A
// file that cannot be profiled (empty, ragged, a header naming a column
// twice, a quote never closed) is versioned all the same, with a warning.
Result<std::vector<store::Descriptor>>
profile_tables(store::Store& store, const std::vector<Root>& roots,
               const std::vector<std::vector<store::FileEntry>>& lists,
               const std::optional<Dataset>& previous, unsigned jobs, const Reporter& reporter) {
    std::map<std::string, store::Descriptor> known;
    if (previous)
        for (auto& p : previous->profiles)
            if (auto it = p.blob.annotations.find(k_ann_profile_of); it != p.blob.annotations.end())
                known.emplace(it->second, p.blob);
    struct Table {
        fs::path abs;
        std::string rel;
        hash::Digest digest;
    };
    std::vector<Table> tables;
    for (size_t r = 0; r < roots.size(); ++r)
        for (auto& f : lists[r])
            if (f.path.ends_with(".csv") || f.path.ends_with(".CSV"))
                tables.push_back({roots[r].base / f.path,
                                  (roots[r].rel.parent_path() / f.path).generic_string(),
                                  f.digest});
    std::vector<std::optional<store::Descriptor>> out(tables.size());
    std::vector<std::string> notes(tables.size());
    MLCI_TRY(parallel_for(tables.size(), jobs, [&](size_t i) -> Status {
        auto& t = tables[i];
        if (auto it = known.find(t.digest.str()); it != known.end()) {
            out[i] = it->second;
            out[i]->annotations[k_ann_title] = t.rel;
            return {};
        }
        auto profile = profile_csv(t.abs);
        if (!profile) {
            // Bad data is the user's to fix, not a reason to refuse the others.
            if (profile.error().code != Exit::usage)
                return std::unexpected(profile.error());
            notes[i] = fmt::format("warning: '{}' is versioned but not profiled: {}", t.rel,
                                   with_path(profile.error().message, t.abs, t.rel));
            return {};
        }
        if (profile->unprofiled_columns > 0)
            notes[i] = fmt::format("note: '{}' has {} columns; the first {} are profiled", t.rel,
                                   profile->columns.size() + profile->unprofiled_columns,
                                   profile->columns.size());
        MLCI_TRY_ASSIGN(desc, store.put_blob(store::canonical(to_json(*profile)), k_media_profile));
        desc.annotations = {{k_ann_title, t.rel}, {k_ann_profile_of, t.digest.str()}};
        out[i] = desc;
        return {};
    }));
    std::vector<store::Descriptor> profiles;
    for (size_t i = 0; i < tables.size(); ++i) {
        if (!notes[i].empty())
            reporter.say(notes[i]);
        if (out[i])
            profiles.push_back(std::move(*out[i]));
    }
    return profiles;
}

// The dataset NAME:latest names, if any and readable.
std::optional<Dataset> latest_dataset(const store::Store& store,
                                      const std::vector<store::IndexEntry>& entries,
                                      const std::string& name) {
    for (auto& e : entries)
        if (e.tag == name + ":latest")
            if (auto ds = load_dataset(store, e))
                return std::move(*ds);
    return std::nullopt;
}

// The version of `name` that already holds exactly these roots with these
// file lists: NAME:latest's, named by its NAME:vN tag.
std::optional<store::IndexEntry> same_as_latest(const store::Store& store,
                                                const std::vector<store::IndexEntry>& entries,
                                                const std::string& name,
                                                const std::vector<Root>& roots,
                                                const std::vector<store::Descriptor>& lists) {
    auto latest = latest_dataset(store, entries, name);
    if (!latest || latest->roots.size() != roots.size())
        return std::nullopt;
    for (size_t i = 0; i < roots.size(); ++i)
        if (latest->roots[i].path != roots[i].rel.generic_string() ||
            latest->roots[i].file_list.digest != lists[i].digest)
            return std::nullopt;
    auto found = latest->entry;
    for (auto& e : entries)
        if (e.descriptor.digest == latest->entry.descriptor.digest && e.tag != latest->entry.tag)
            found.tag = e.tag;
    return found;
}

} // namespace

Result<AddResult> add_dataset(store::Store& store, const AddOptions& options,
                              const Reporter& reporter) {
    auto project = project_root(store, options.cwd);
    MLCI_TRY_ASSIGN(roots, collect_roots(store, options, project));
    auto name = options.name.empty() ? default_dataset_name(roots.front().rel) : options.name;
    MLCI_TRY(store::validate_tag(name));
    if (name.find(':') != std::string::npos)
        return usage_error("invalid dataset name '{}': a name takes no ':TAG'", name);
    // Before hashing: a name that other kinds of artifacts use is refused anyway.
    MLCI_TRY(store::check_name_kind(store, name, store::k_type_dataset));

    // Count first, so that progress has totals.
    struct Job {
        size_t root;
        size_t file;
    };
    std::vector<Job> jobs;
    uint64_t total_bytes = 0;
    for (size_t r = 0; r < roots.size(); ++r) {
        MLCI_TRY_ASSIGN(files, scan_root(roots[r].abs, roots[r].base, options.jobs));
        for (size_t f = 0; f < files.size(); ++f) {
            jobs.push_back({r, f});
            total_bytes += files[f].stat.size;
        }
        roots[r].files = std::move(files);
    }

    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    std::vector<std::vector<store::FileEntry>> lists(roots.size());
    for (size_t r = 0; r < roots.size(); ++r)
        lists[r].resize(roots[r].files.size());
    // Roots in one folder share that folder's stat cache.
    std::map<fs::path, StatCache> caches;
    for (auto& r : roots)
        if (!caches.contains(r.base))
            caches.emplace(r.base, StatCache::load(store, r.base));
    std::vector<FileStat> stats(jobs.size());
    std::unique_ptr<store::ChunkStore> chunk_store;
    if (options.mode == IngestMode::copy) {
        MLCI_TRY_ASSIGN(opened, store::ChunkStore::open(store));
        chunk_store = std::move(opened);
    }
    std::vector<std::optional<store::ChunkedContent>> chunked(jobs.size());

    std::atomic<uint64_t> done{0}, bytes{0}, new_files{0}, new_bytes{0};
    std::array<std::atomic<bool>, 4> fallbacks{};
    MLCI_TRY(parallel_for(jobs.size(), options.jobs, [&](size_t i) -> Status {
        auto [r, f] = jobs[i];
        auto& file = roots[r].files[f];
        // A large file reports as it goes; the rest of it when done.
        uint64_t reported = 0;
        auto on_bytes = [&](uint64_t n) {
            reported += n;
            reporter.report({"adding", done.load(), jobs.size(), bytes += n, total_bytes});
        };
        MLCI_TRY_ASSIGN(in, ingest_file(store, roots[r].base / file.path, file.path, options.mode,
                                        chunk_store.get(), on_bytes));
        if (in.new_blob) {
            ++new_files;
            new_bytes += in.new_bytes;
        }
        fallbacks[static_cast<size_t>(in.fallback)] = true;
        stats[i] = in.stat;
        lists[r][f] = std::move(in.entry);
        chunked[i] = std::move(in.chunked);
        reporter.report({"adding", ++done, jobs.size(),
                         bytes += file.stat.size - std::min(reported, file.stat.size),
                         total_bytes});
        return {};
    }));
    say_link_fallbacks(fallbacks, store, reporter);
    if (chunk_store) {
        MLCI_TRY(chunk_store->finish());
        for (size_t i = 0; i < jobs.size(); ++i)
            if (chunked[i]) {
                auto [r, f] = jobs[i];
                MLCI_TRY_ASSIGN(refs, store::put_chunk_lists(store, *chunk_store, *chunked[i]));
                lists[r][f].chunk_lists = std::move(refs);
                chunked[i].reset();
            }
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
        auto [r, f] = jobs[i];
        caches.at(roots[r].base).record(lists[r][f].path, stats[i], lists[r][f].digest);
    }

    MLCI_TRY_ASSIGN(entries, store.entries());
    auto previous = latest_dataset(store, entries, name);

    AddResult result;
    store::Manifest m;
    m.artifact_type = store::k_type_dataset;
    nlohmann::json root_records = nlohmann::json::array();
    std::vector<Pointer> pointers;
    std::vector<store::Descriptor> file_lists;
    for (size_t r = 0; r < roots.size(); ++r) {
        uint64_t size = 0;
        for (auto& e : lists[r])
            size += e.size;
        MLCI_TRY_ASSIGN(
            list, store.put_blob(store::serialize_file_list(lists[r]), store::k_media_file_list));
        list.annotations[k_ann_title] = roots[r].rel.generic_string();
        file_lists.push_back(list);
        root_records.push_back(
            {{"path", roots[r].rel.generic_string()}, {"files", lists[r].size()}, {"size", size}});
        pointers.push_back(
            {roots[r].rel.filename().string(), list.digest, lists[r].size(), size, name});
        result.files += lists[r].size();
        result.bytes += size;
    }
    m.layers = file_lists;
    result.new_files = new_files;
    result.new_bytes = new_bytes;

    // Checked once here, to skip profiling when nothing changed, and again
    // under the tag lock, where adds running at once take turns.
    std::optional<store::IndexEntry> same = same_as_latest(store, entries, name, roots, file_lists);
    if (!same) {
        MLCI_TRY_ASSIGN(profiles,
                        profile_tables(store, roots, lists, previous, options.jobs, reporter));
        for (auto& p : profiles)
            m.layers.push_back(p);
        MLCI_TRY_ASSIGN(git, vcs::git_info(project));
        auto created = now_rfc3339();
        nlohmann::json record{
            {"kind", "dataset"},    {"name", name},           {"message", options.message},
            {"created", created},   {"roots", root_records},  {"files", result.files},
            {"size", result.bytes}, {"git", git_record(git)}, {"tool", "mlci " MLCI_VERSION}};
        MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(record), k_media_dataset_config));
        m.config = config;
        m.annotations = {{store::k_ann_created, created},
                         {store::k_ann_kind, "dataset"},
                         {store::k_ann_name, name},
                         {"dev.mlci.files", std::to_string(result.files)},
                         {"dev.mlci.size", std::to_string(result.bytes)}};
        if (!options.message.empty())
            m.annotations[store::k_ann_message] = options.message;
        if (git && !git->commit.empty())
            m.annotations[store::k_ann_revision] = git->commit;
        MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
        // Every blob durable in one batch before anything names the manifest.
        MLCI_TRY(store.sync());
        auto find_same =
            [&](const std::vector<store::IndexEntry>& now) -> Result<std::optional<std::string>> {
            same = same_as_latest(store, now, name, roots, file_lists);
            return same ? std::optional(same->tag) : std::nullopt;
        };
        // When another add of this content won the race, the manifest
        // written above is left for gc.
        MLCI_TRY_ASSIGN(tagged, store.tag_next_version(desc, name, find_same));
        if (!tagged.existing) {
            result.manifest = desc;
            result.reference = tagged.tag;
        }
    }
    if (same) {
        result.unchanged = true;
        result.manifest = same->descriptor;
        result.reference = same->tag;
    }

    for (size_t r = 0; r < roots.size(); ++r) {
        MLCI_TRY_ASSIGN(lock, lock_folder(store, roots[r].base));
        auto pointer_file = roots[r].base / (pointers[r].path + k_pointer_suffix);
        pointers[r].shown = roots[r].rel.generic_string() + k_pointer_suffix;
        MLCI_TRY(write_pointer(pointer_file, pointers[r]));
        MLCI_TRY(ignore_in_git(roots[r].base, pointers[r].path));
    }
    for (auto& [base, c] : caches)
        if (auto s = c.save(); !s)
            reporter.say(fmt::format("note: {}", s.error().message));
    return result;
}

} // namespace mlci::data
