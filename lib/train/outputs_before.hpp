// What a run's declared outputs were before its command ran, taken without
// moving or changing them. mlci never takes a user's file out of its place:
// a crash of mlci at any instant (SIGKILL included) leaves every output where
// it was, holding what the command wrote so far, and nothing the user needs
// in the store's scratch folders.
//
// After the command exits 0, an output that it left as it was is one it did
// not write: the run fails instead of recording a stale file. "As it was" is
// the identity of each file: device, inode, size, permission bits, and mtime
// and ctime in nanoseconds. A write, a replacement (rename over it), a chmod or
// a touch changes the ctime, which user space cannot set back, so rewriting
// the same bytes (a deterministic training run) still counts as written. A
// file changed within a timestamp tick of the snapshot could keep its times;
// when its content was kept, it is compared too.
//
// A folder output is the set of its regular files with their identities: it
// was written when the command added, removed, rewrote or replaced at least
// one file. It is recorded as the command leaves it, so files of an earlier
// run that the command did not touch are recorded with it; a command that
// wants a clean folder empties it first.
//
// For outputs in the workspace, the content of each existing file is also
// kept (a blob in the store, hard-linked into the run's scratch folder so that
// gc cannot take it meanwhile; no copy at all when the stat cache knows the
// file from an earlier run), so that a run that does not succeed puts the
// outputs back as they were.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/data/scan.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <string>
#include <vector>

namespace mlci::train {

namespace fs = std::filesystem;

class OutputsBefore {
public:
    // Takes the identity of each declared output (paths relative to `root`).
    // A usage error for an output that is a symbolic link or a special file:
    // the command would write through the link, wherever it points.
    static Result<OutputsBefore> take(const fs::path& root,
                                      const std::vector<std::string>& declared, unsigned jobs);

    // Keeps the content of every existing output file: blobs in `store`,
    // hard-linked into `keep` (a private folder), so that put_back() can
    // restore them. Files the stat cache knows are not read again.
    Status keep_content(const store::Store& store, data::StatCache& cache, const fs::path& keep,
                        unsigned jobs);

    // Whether the declared output `path` is still exactly as it was (it
    // existed before; a missing one is never unchanged).
    Result<bool> unchanged(const std::string& path, unsigned jobs) const;

    // Puts each output that existed before back as it was, when content was
    // kept: changed files are rewritten from the kept copies, files the
    // command added to a folder output are removed. Outputs that did not exist
    // before are left as the command wrote them. Goes through every output
    // and returns the first problem.
    Status put_back() const;

private:
    enum class Kind { absent, file, folder };
    struct Output {
        std::string path; // declared, relative to the root
        Kind kind = Kind::absent;
        std::vector<data::ScannedFile> files; // sorted by path; one for a file
        std::vector<hash::Digest> digests;    // same order, once content is kept
        // Same order: a large file from an earlier run is kept as the chunk
        // lists it is stored in (empty: kept as the blob `digests[j]`).
        std::vector<std::vector<store::BlobRef>> chunk_lists = {};
    };
    // Hard-links what the content `digest` (with `lists`, when chunked) needs
    // into m_keep; returns those blobs.
    Result<std::vector<hash::Digest>> keep_blobs(const store::Store& store,
                                                 const hash::Digest& digest,
                                                 const std::vector<store::BlobRef>& lists,
                                                 uint64_t size) const;
    fs::path m_root, m_keep;
    const store::Store* m_store = nullptr; // set once content is kept
    std::vector<Output> m_outputs;
    int64_t m_taken_ns = 0; // wall-clock time of the snapshot
};

} // namespace mlci::train
