// Pointer files: the small text file `PATH.mlci` committed to git in place of
// the data at PATH. Deterministic: the same data always gives the same bytes.
//
//   # mlci data pointer: restore with 'mlci data-version checkout iris.csv.mlci'
//   path: iris.csv
//   tree: sha256:...      <- the file list blob of PATH
//   files: 1
//   size: 4551
//   dataset: iris         <- the dataset name, for 'mlci data-version log'
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>
#include <string>

namespace mlci::data {

namespace fs = std::filesystem;

struct Pointer {
    std::string path; // the data's name, relative to the pointer's folder
    hash::Digest tree;
    uint64_t files = 0;
    uint64_t size = 0;
    std::string dataset;
    // The pointer file as the restore hint names it, relative to the project
    // root ("data/iris.csv.mlci"), so that the command in its first line works
    // from there. Not read back; empty: PATH.mlci, next to the data.
    std::string shown = {};
};

inline constexpr const char* k_pointer_suffix = ".mlci";

std::string serialize_pointer(const Pointer& p);
// Parses a pointer file's text; errors name `where` and the line.
Result<Pointer> parse_pointer(std::string_view text, const fs::path& where);
Result<Pointer> read_pointer(const fs::path& file);
Status write_pointer(const fs::path& file, const Pointer& p);

// Adds "/NAME" to the .gitignore in `dir` unless a line already ignores it
// (the file is created when missing); `added` (optional) tells which.
Status ignore_in_git(const fs::path& dir, const std::string& name, bool* added = nullptr);

} // namespace mlci::data
