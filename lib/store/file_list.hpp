// The file list of a dataset or run output: a blob of its own (media type
// k_media_file_list) so that manifests stay small whatever the file count.
//
//   {"files":[{"path":"a/b.csv","size":12,"mode":420,"digest":"sha256:..."},...]}
//
// A large file stored in chunks (store/chunk_list.hpp) also names its chunk
// lists, in file order; its "digest" stays the sha256 of the whole file, so
// that pointer files, status and sha256sum agree, but no blob has it:
//
//   {"path":"big.bin",...,"chunks":[{"digest":"sha256:...","size":N},...]}
//
// Entries are sorted by path, so the same tree always gives the same blob.
#pragma once

#include <cstdint>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/chunk_list.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::store {

struct FileEntry {
    std::string path; // relative, '/'-separated, no '..'
    uint64_t size = 0;
    uint32_t mode = 0644;
    hash::Digest digest;
    std::vector<BlobRef> chunk_lists = {}; // empty: the content is the blob `digest`

    bool chunked() const { return !chunk_lists.empty(); }
};

// Serialises entries (sorted by path first) to the blob's bytes.
std::string serialize_file_list(std::vector<FileEntry>& entries);
// Parses a file list blob; rejects unsafe paths. `where` names it in errors.
Result<std::vector<FileEntry>> parse_file_list(std::string_view text, std::string_view where);

// True when `path` is relative, has no '..' or '.' part, no empty part and no NUL.
bool is_safe_relative_path(std::string_view path);

// True when `path` (a path in a file list) is selected by one of `patterns`:
// a glob (fnmatch, where '*' also crosses '/'), the path itself, or a folder
// above it. No patterns select everything.
bool path_selected(std::string_view path, const std::vector<std::string>& patterns);

} // namespace mlci::store
