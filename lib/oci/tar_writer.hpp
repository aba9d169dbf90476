// Reproducible tar streams for image layers: the same files give the same
// bytes on any machine. Entries are sorted by path with every parent folder
// present; mtimes are one fixed time; owner 0:0 without user or group names;
// modes are 0644, or 0755 for folders and executables; no atime, ctime,
// device, inode or host name. The format is ustar, with pax headers only
// where ustar cannot hold a name or size (libarchive's "pax restricted").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::oci {

namespace fs = std::filesystem;

// Receives a stream piece by piece; an error stops the writer.
using ByteSink = std::function<Status(const void* data, size_t size)>;
// Writes a stream to the sink it is given.
using Producer = std::function<Status(const ByteSink&)>;

// Gives a file's bytes to `sink` in order, when they are not one file to
// read (a large file of the store, kept in chunks).
using ContentSource =
    std::function<Status(const std::function<Status(const void* data, size_t size)>& sink)>;

struct TarEntry {
    std::string path;  // in the layer: relative, '/'-separated, e.g. "model/model.pkl"
    fs::path source;   // the file whose bytes to copy; empty for a folder
    uint64_t size = 0; // the file's size, checked while copying
    bool executable = false;
    bool directory = false;
    ContentSource content = {}; // set: the bytes come from it, not from `source`
};

// A folder entry.
TarEntry tar_directory(std::string path);

// Sorts `entries` by path (bytewise, so a folder comes before what it holds),
// adds missing parent folders and merges repeated folders. Unsafe paths
// ("..", absolute, empty parts) and a path given twice are usage errors.
Result<std::vector<TarEntry>> normalise_entries(std::vector<TarEntry> entries);

// Writes a tar of `entries` (normalised first) to `sink` with every mtime set
// to `mtime`. Reads each file in 1 MiB pieces; never holds a whole file.
Status write_tar(std::vector<TarEntry> entries, int64_t mtime, const ByteSink& sink);

// The bytes write_tar produces for `entries`, without reading a file:
// headers, data padded to 512 bytes, and the two end blocks. Exact for
// ustar entries; a lower bound when a long name needs a pax header.
uint64_t estimated_tar_size(const std::vector<TarEntry>& entries);

// A tar written entry by entry in the order given, with the fixed metadata
// above: for archives whose entries are not files on disk.
class TarStream {
public:
    // Starts a tar written to `sink`; with `blocked`, padded to 10 KiB
    // records at the end as tar(1) writes files.
    static Result<TarStream> open(ByteSink sink, int64_t mtime, bool blocked = false);
    TarStream(TarStream&&) noexcept;
    TarStream& operator=(TarStream&&) noexcept;
    ~TarStream();

    Status add_directory(std::string_view path);
    Status add_content(std::string_view path, const ContentSource& content, uint64_t size,
                       bool executable);
    Status add_file(std::string_view path, const fs::path& source, uint64_t size,
                    bool executable = false);
    Status add_bytes(std::string_view path, std::string_view data);
    // An entry of `size` bytes that `produce` writes; a different count is an error.
    Status add_stream(std::string_view path, uint64_t size, const Producer& produce);
    // Writes the end of the archive.
    Status close();

    struct Impl; // public only for libarchive's C callback

private:
    explicit TarStream(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mlci::oci
