// Chunked files for store tests: random bytes, stored through the chunk
// store as `data-version add` stores a large file, and read back.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/store/chunk_store.hpp>
#include <mlci/store/chunked_file.hpp>
#include <random>
#include <string>
#include <unistd.h>

namespace mlci::testing {

// `n` bytes drawn from `seed`: the same on every machine.
inline std::string random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(rng());
    return out;
}

// Writes `content` to `file`, stores it as a chunked file and returns its entry.
inline store::FileEntry store_chunked(store::Store& s, const fs::path& file,
                                      const std::string& content) {
    REQUIRE(write_file_atomic(file, content));
    auto chunks = store::ChunkStore::open(s);
    REQUIRE(chunks);
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    auto chunked = store::chunk_file(**chunks, fd.get(), file);
    REQUIRE(chunked);
    REQUIRE((*chunks)->finish());
    auto lists = store::put_chunk_lists(s, **chunks, *chunked);
    REQUIRE(lists);
    return store::FileEntry{"f.bin", chunked->size, 0644, chunked->digest, *lists};
}

// The content of `e` as the store gives it back, through the file at `path`.
inline std::string read_back(const store::Store& s, const store::FileEntry& e,
                             const fs::path& path) {
    UniqueFd out(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(store::write_content(s, e, out.get(), path));
    auto text = read_file(path);
    REQUIRE(text);
    return *text;
}

} // namespace mlci::testing
