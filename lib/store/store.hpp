// The local .mlci store: an OCI image layout (oci-layout, index.json,
// blobs/sha256/<hex>) plus mlci's private state under mlci/.
//
// Write order follows restic: blobs, then (after one sync) the manifest, then
// the index entry naming it. Readers go the other way, so a crash at any point
// leaves only unreferenced blobs, which gc removes.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/core/file_lock.hpp>
#include <mlci/store/descriptor.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::store {

namespace fs = std::filesystem;

// An entry of index.json: a manifest and, when tagged, its tag.
struct IndexEntry {
    Descriptor descriptor;
    std::string tag; // the ref.name annotation, "NAME:TAG"; empty when untagged
};

class BlobWriter;

class Store {
public:
    // Creates a store in `dir` (an existing store is left as it is).
    static Result<Store> init(const fs::path& dir);
    // Opens the store in `dir`; a usage error when it is not one.
    static Result<Store> open(const fs::path& dir);
    // Finds the store: `flag` (--store), else $MLCI_STORE, else the nearest
    // .mlci walking up from `cwd`. A given folder may be the store or the
    // project folder that holds it as .mlci (as `mlci init DIR` takes it).
    static Result<Store> discover(const std::optional<fs::path>& flag, const fs::path& cwd);
    // The store a given folder names: DIR/.mlci when DIR is not a store
    // itself but holds one, else DIR.
    static fs::path given_store(const fs::path& dir);

    const fs::path& root() const { return m_root; }
    fs::path blob_path(const hash::Digest& d) const;
    fs::path temp_dir() const { return m_root / "mlci" / "tmp"; }
    fs::path cache_dir() const { return m_root / "mlci" / "cache"; }
    fs::path lock_path(std::string_view name) const;

    bool has_blob(const hash::Digest& d) const;
    // Stores `data` as a blob (atomic; a no-op when present) and describes it.
    Result<Descriptor> put_blob(std::string_view data, std::string media_type);
    // Reads a blob whole, checking that its content has the digest.
    Result<std::string> read_blob(const hash::Digest& d) const;
    // Starts a streamed blob write into the store's temporary folder.
    Result<BlobWriter> begin_blob() const;
    // Sets a present blob's mtime to now, so gc's grace period protects a
    // blob that a new artifact is about to reference.
    void freshen(const hash::Digest& d) const;

    // Writes a manifest blob and returns its descriptor (artifactType set).
    Result<Descriptor> put_manifest(const Manifest& m);
    // Reads and parses the manifest that `d` names.
    Result<Manifest> read_manifest(const hash::Digest& d) const;

    // Makes every blob written so far durable in one batch (syncfs).
    Status sync() const;

    // Index and tags. Updates take the index lock and replace index.json atomically.
    Result<std::vector<IndexEntry>> entries() const;
    // Adds `d` to the index under each of `tags` (moving a tag that exists);
    // with no tags, adds it untagged unless it is already listed.
    Status add_to_index(const Descriptor& d, const std::vector<std::string>& tags);
    // Tags `d` as NAME:vN with N one past the highest version of NAME, and
    // NAME:latest; returns "NAME:vN". A name belongs to one kind of artifact:
    // a usage error when NAME's versions are of a kind other than `d`'s
    // artifactType (check_name_kind).
    Result<std::string> tag_next_version(const Descriptor& d, const std::string& name);
    // Looks, under the index lock, for a tag that already names the content
    // being tagged (the index as `entries`); returns it, or nothing.
    using FindExisting =
        std::function<Result<std::optional<std::string>>(const std::vector<IndexEntry>& entries)>;
    struct Tagged {
        std::string tag;       // "NAME:vN"
        bool existing = false; // true: `find` named it, nothing was tagged
    };
    // tag_next_version, unless `find` names a tag for the same content. Both
    // happen under one lock, so that writers of the same content at the same
    // time make one version, not one each.
    Result<Tagged> tag_next_version(const Descriptor& d, const std::string& name,
                                    const FindExisting& find);
    // `d` as a version of NAME: the NAME:vN that names it already, else the
    // next one (tag_next_version).
    Result<Tagged> tag_as_version(const Descriptor& d, const std::string& name);
    Status remove_tag(const std::string& tag);
    // Changes the index under its lock: `change` edits the entries read, and
    // the result replaces index.json atomically (a crash leaves the old list
    // or the new one, never a mix). An error from `change` writes nothing.
    Status update_index(const std::function<Status(std::vector<IndexEntry>& entries)>& change);
    // Removes index entries (tagged or not) whose manifest is `d`.
    Status remove_from_index(const hash::Digest& d);

    // The shared side of the gc lock: held by every writer for its whole run
    // so that gc (which takes it exclusively) never deletes what it writes.
    Result<FileLock> writer_lock() const;
    Result<FileLock> gc_lock() const;

private:
    explicit Store(fs::path root) : m_root(std::move(root)) {}
    Result<FileLock> index_lock() const;
    Status write_entries(const std::vector<IndexEntry>& entries) const;
    fs::path m_root;
};

// A blob being written: hash while writing, then commit() moves it into place
// under its digest. Destroyed without commit, the temporary file is removed.
class BlobWriter {
public:
    BlobWriter(BlobWriter&&) noexcept;
    BlobWriter& operator=(BlobWriter&&) noexcept;
    ~BlobWriter();

    Status write(const void* data, size_t size);
    // Reads `fd` (the file `source`) to its end into the blob. Large files
    // are pipelined: this thread reads and hashes a chunk while another
    // writes the one before, so a copy costs about what hashing alone does.
    Status write_from(int fd, const fs::path& source);
    // Renames the temporary file to blobs/sha256/<digest>; when the blob is
    // already there, drops the copy. No fsync: the caller syncs in batch.
    // `existed` (optional) tells whether the store already had the content.
    Result<Descriptor> commit(std::string media_type, bool* existed = nullptr);
    // Like commit(), but only when the content has the digest `expected`;
    // otherwise the temporary file is removed and a runtime error says so.
    Result<Descriptor> commit_verified(const hash::Digest& expected, std::string media_type,
                                       bool* existed = nullptr);
    uint64_t size() const;

private:
    friend class Store;
    struct Impl;
    explicit BlobWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The kind of artifact an artifactType is, for people: "dataset", "run",
// "test report", ...; "image" for none.
std::string kind_name(std::string_view artifact_type);

// A usage error when versions of `name` (NAME:vN, NAME:latest) in `entries`
// are artifacts of a kind other than `artifact_type`: a dataset named train
// must not continue the versions of the runs named train, or train:latest
// would be either. Index entries that do not say their type are read.
Status check_name_kind(const Store& store, const std::vector<IndexEntry>& entries,
                       std::string_view name, std::string_view artifact_type);
// The same over the store's index now (to refuse before work is done).
Status check_name_kind(const Store& store, std::string_view name, std::string_view artifact_type);

// Validates a tag "NAME:TAG" (or NAME alone): lowercase-friendly OCI ref.name
// characters, no leading separator. Returns the error message or nothing.
Status validate_tag(std::string_view tag);

} // namespace mlci::store
