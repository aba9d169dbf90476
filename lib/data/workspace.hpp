// The workspace side of dataset versions: `status` (what changed since the
// version a pointer file records), `checkout` (restore a version) and `diff`
// (what changed between two versions, or a version and the workspace).
//
// Paths shown to people are relative to the project root ("data/images/a.png"),
// the way dataset manifests name their roots, so that the same file has the same
// name in status, diff, checkout and show.
#pragma once

#include <filesystem>
#include <functional>
#include <istream>
#include <map>
#include <mlci/core/error.hpp>
#include <mlci/core/progress.hpp>
#include <mlci/data/pointer.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::data {

namespace fs = std::filesystem;

// ---- Versions: what a reference or a pointer file names --------------------

// One versioned path of a version and where it belongs on disk.
struct VersionRoot {
    std::string path; // relative to the project root ("data/images"), for people and matching
    fs::path base;    // absolute folder the root lives in (its parent)
    std::string name; // the root's name in `base`; its file-list paths start with it
    hash::Digest file_list;
    std::string dataset; // the dataset name the pointer file records

    // What goes before the root's file-list paths to make them project-relative: "data/".
    std::string prefix() const { return path.substr(0, path.size() - name.size()); }
};

struct ResolvedVersion {
    std::string label;                         // "images:v2", a digest, or the pointer file
    std::optional<store::Descriptor> manifest; // the dataset manifest; none for a pointer file
    std::vector<VersionRoot> roots;
};

// Resolves `ref` to a version: a pointer file when it ends in ".mlci" (or when
// no reference has that name but `ref`.mlci exists), else a dataset reference
// (NAME[:TAG], digest, short digest, "-" read from `in`). `project` is the
// project root that dataset roots are relative to.
Result<ResolvedVersion> resolve_version(const store::Store& store, std::string_view ref,
                                        const fs::path& cwd, const fs::path& project,
                                        std::istream& in);

// Reads the file list of a root; a usage error saying how to get it when the
// store does not have it (a pointer committed in git, data never pulled).
Result<std::vector<store::FileEntry>> load_root_files(const store::Store& store,
                                                      const VersionRoot& root);

// How paths under `base` are shown: "data/" for <project>/data, "" for the
// project root itself, the absolute path and a '/' outside the project.
std::string path_prefix(const fs::path& base, const fs::path& project);

// ---- Changes ----------------------------------------------------------------

enum class Change { added, modified, deleted };

// "added", "modified", "deleted"
std::string_view to_string(Change c);

struct FileChange {
    std::string path; // relative to the project root
    Change change = Change::modified;
    uint64_t old_size = 0;   // 0 for added files
    uint64_t new_size = 0;   // 0 for deleted files
    hash::Digest old_digest; // empty when not known
    hash::Digest new_digest; // empty when not known (a workspace file not read)
};

struct ChangeTotals {
    uint64_t added = 0, modified = 0, deleted = 0;
    uint64_t added_bytes = 0;   // size of added files
    uint64_t deleted_bytes = 0; // size of deleted files
    int64_t modified_delta = 0; // new minus old size of modified files

    uint64_t files() const { return added + modified + deleted; }
};

ChangeTotals totals_of(const std::vector<FileChange>& changes);

// `list` in path order: `list` itself when it is (file lists are written
// sorted), else a sorted copy kept in `copy`.
const std::vector<store::FileEntry>& sorted_by_path(const std::vector<store::FileEntry>& list,
                                                    std::vector<store::FileEntry>& copy);

// The changes that turn the file list `from` into `to` (each sorted by path).
// Entries differ when their size, digest or executable bits differ; a missing
// digest (a workspace file not read because its size already differs) is not
// compared. `prefix` ("data/") is put before every path.
std::vector<FileChange> compare_file_lists(const std::vector<store::FileEntry>& from,
                                           const std::vector<store::FileEntry>& to,
                                           std::string_view prefix);

// ---- Reading the workspace (shared by status, checkout and diff) ------------

// A file of a root as it is in the workspace.
struct WorkspaceFile {
    std::string path; // relative to the root's base, like file-list paths
    FileStat stat;
    hash::Digest digest; // empty until digest_files() fills it
};

// The files under `base`/`sub` (a root, or a part of one) now; none when it
// does not exist. Paths are relative to `base`.
Result<std::vector<WorkspaceFile>> scan_workspace(const fs::path& base, const std::string& sub,
                                                  unsigned jobs);

// The stat caches of the folders a command touches, loaded once and saved
// once, and only when something was recorded: an unchanged tree costs no write.
class StatCaches {
public:
    explicit StatCaches(const store::Store& store) : m_store(&store) {}
    // The cache of the files under `base`, to look up.
    const StatCache& of(const fs::path& base);
    // The cache of the files under `base`, to record in: it will be saved.
    StatCache& changing(const fs::path& base);
    // Saves every cache that changed; a failure is only a note (a cache is a shortcut).
    void save(const Reporter& reporter) const;

private:
    struct Cache {
        StatCache cache;
        bool changed = false;
    };
    Cache& at(const fs::path& base);
    const store::Store* m_store;
    std::map<fs::path, Cache> m_caches;
};

// Fills in the digest of every file whose index `wanted` selects: from the stat cache
// when its stat is unchanged, else read and hashed (in parallel on `jobs`
// threads) and recorded in the cache. Returns how many files were read.
Result<uint64_t> digest_files(std::vector<WorkspaceFile>& files, const fs::path& base,
                              StatCaches& caches, const std::function<bool(size_t)>& wanted,
                              unsigned jobs, const Reporter& reporter);

// The changes from the version of `root` to its files in the workspace (only
// those under `sub`, relative to root.base, when it is not empty). Reads only
// files whose size matches and whose stat changed.
Result<std::vector<FileChange>> compare_with_workspace(const store::Store& store,
                                                       const VersionRoot& root,
                                                       const std::string& sub, StatCaches& caches,
                                                       unsigned jobs, const Reporter& reporter,
                                                       uint64_t* files_read = nullptr);

// ---- status ---------------------------------------------------------------------

struct StatusOptions {
    std::vector<fs::path> paths; // data paths, pointer files or folders; empty: `cwd`
    fs::path cwd;
    unsigned jobs = 1;
};

struct RootStatus {
    fs::path pointer_file;    // absolute
    std::string pointer_path; // the pointer file as shown, relative to the project
    Pointer pointer;
    std::string path; // the root (or the part of it asked about), relative to the project
    std::vector<FileChange> changes;
    uint64_t files_read = 0; // files hashed because their stat changed
};

struct StatusReport {
    std::vector<RootStatus> roots;
    bool clean() const;
};

// Compares each versioned path the options name with the version its pointer
// file records. A path inside a versioned folder limits the report to it; a
// folder that is not versioned itself stands for every pointer file under it.
Result<StatusReport> workspace_status(const store::Store& store, const StatusOptions& options,
                                      const Reporter& reporter);

// The pointer files under `dir`, sorted; .git, .mlci and versioned folders
// (those with a pointer file next to them) are not entered.
Result<std::vector<fs::path>> find_pointer_files(const fs::path& dir);

// ---- checkout -------------------------------------------------------------------

struct CheckoutOptions {
    std::string ref; // a dataset reference or a pointer file
    fs::path cwd;
    std::optional<fs::path> to; // restore under this folder instead of the project
    bool clean = false;         // remove files that are not in the version
    bool force = false;         // overwrite changes that are not in the store
    unsigned jobs = 1;
    // Restore only these files or folders (relative to `cwd`; globs allowed),
    // as `git checkout REF -- PATH` does: nothing else is written or removed,
    // and the pointer files keep the version they record.
    std::vector<std::string> paths;
};

struct RootCheckout {
    std::string path;              // where the root was restored, relative to the project or --to
    std::string pointer;           // the pointer file it rewrote, as shown; empty with --to
    uint64_t files = 0, bytes = 0; // in the version
    uint64_t written = 0, written_bytes = 0;
    uint64_t unchanged = 0;
    std::vector<std::string> removed;   // in the recorded version but not this one
    std::vector<std::string> extra;     // in neither: kept (reported)
    std::vector<std::string> cleaned;   // in neither: removed by --clean
    std::vector<std::string> discarded; // changes not in the store, lost to --force
};

struct CheckoutResult {
    std::string label;
    std::optional<store::Descriptor> manifest;
    std::vector<RootCheckout> roots;
};

// Restores a version ("-" reads the reference from `in`). A file to write
// whose data the store lacks (a version pulled in part) fails with exit 3
// and the pull that fetches it. Nothing is written
// unless every root can be restored without losing a change whose content is
// not in the store (a usage error lists them; --force discards them). Each file
// is written to a temporary file next to it from its blob, re-hashed, and
// renamed into place. Files of the version the pointer file records that this
// version lacks are removed (their content is in the store); other files that
// are not in the version are kept and reported unless `clean`.
Result<CheckoutResult> checkout(const store::Store& store, const CheckoutOptions& options,
                                const Reporter& reporter, std::istream& in);

// checkout PATH...: the PATH arguments (relative to `cwd`) that lie in the
// folder `dest`, as globs over the paths of a file list rooted there, each
// with the index of the argument it came from.
std::vector<std::pair<size_t, std::string>>
path_selectors(const fs::path& dest, const std::vector<std::string>& paths, const fs::path& cwd);

// What a checkout of `ref` needs that the store lacks, so that it can be
// fetched from a remote first.
struct MissingVersion {
    std::string ref;                // as given
    bool unknown = false;           // `ref` names no artifact here (and no pointer file)
    std::string label;              // the resolved version's label, when known
    bool tagged = false;            // `label` is the version's NAME:TAG
    std::vector<VersionRoot> roots; // roots whose file list or files' content is missing
    // With checkout PATH...: the globs over file list paths that select the
    // files to check out, for a pull of those files only.
    std::vector<std::string> paths;
};

// Nothing when the store can check out `ref` as it is (or when `ref` is
// not something a remote could supply, such as a digest the store lacks:
// checkout reports it). `ref` is not "-" (read it first).
// With `paths` (checkout PATH...), only the files they select count; `to` is
// checkout's --to folder.
Result<std::optional<MissingVersion>>
missing_for_checkout(const store::Store& store, const std::string& ref, const fs::path& cwd,
                     const std::vector<std::string>& paths = {},
                     const std::optional<fs::path>& to = {});

// ---- diff -----------------------------------------------------------------------

struct DiffOptions {
    std::string from;
    std::string to; // empty: the workspace
    fs::path cwd;
    unsigned jobs = 1;
};

struct DiffReport {
    std::string from_label, to_label; // to_label is "workspace" when comparing with it
    std::optional<store::Descriptor> from_manifest, to_manifest;
    std::vector<FileChange> changes; // sorted by path
};

// What changed from one version to another, or to the workspace.
Result<DiffReport> diff_versions(const store::Store& store, const DiffOptions& options,
                                 const Reporter& reporter, std::istream& in);

} // namespace mlci::data
