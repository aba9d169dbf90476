// Hashing whole files, streamed in large reads.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/hash/digest.hpp>

namespace mlci::hash {

struct FileHash {
    Digest digest;
    uint64_t size = 0;
};

// The sha256 of the file at `path`, read once in 1 MiB pieces.
Result<FileHash> sha256_file(const std::filesystem::path& path);

// The read size that hashing and copying use: large enough that syscalls
// are a rounding error next to sha256, small enough to stay in L2.
inline constexpr size_t k_io_chunk = 1 << 20;

} // namespace mlci::hash
