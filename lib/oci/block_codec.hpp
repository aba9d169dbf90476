// Compressors for the layer pipeline (layer_writer.cpp). The pipeline cuts
// the tar stream into blocks; a codec turns each block into compressed bytes.
// gzip encodes blocks independently on several threads and
// zstd encodes them in order on one thread that feeds libzstd's own workers.
// Both give the same bytes whatever the number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mlci/core/error.hpp>
#include <string>
#include <vector>

namespace mlci::oci {

struct Block {
    std::vector<unsigned char> in; // the uncompressed bytes (in_size of them)
    size_t in_size = 0;
    std::vector<unsigned char> dict; // the up to 32 KiB of the stream before `in`
    std::vector<unsigned char> out;  // the compressed bytes (out_size of them)
    size_t out_size = 0;
    uint32_t crc = 0; // crc32 of `in` (gzip)
    bool last = false;
};

class BlockCodec {
public:
    virtual ~BlockCodec() = default;
    // True when blocks may be encoded on several threads in any order;
    // false when one thread must encode them in stream order.
    virtual bool independent_blocks() const = 0;
    // Whether encode() needs the bytes before each block in Block::dict.
    virtual bool needs_dictionary() const { return false; }
    // The bytes before the first block.
    virtual std::string header() const { return {}; }
    // Fills b.out/out_size (and crc) from b.in; `worker` is the calling
    // thread's index below the pipeline's thread count.
    virtual Status encode(Block& b, unsigned worker) = 0;
    // Called for each block in stream order once its output is written.
    virtual void written(const Block&) {}
    // The bytes after the last block.
    virtual std::string trailer() const { return {}; }
};

inline constexpr int k_gzip_default_level = 6; // what `gzip` and Go's compress/gzip use
inline constexpr int k_zstd_default_level = 3; // zstd's default

// gzip as a series of members, one per block, each compressed on its own:
// blocks compress in parallel on every core, and a 1 MiB block loses almost
// nothing for starting without the bytes before it. A block whose sample
// shows repeats (text, tables, code) is compressed by libdeflate at `level`
// (about three times as fast as zlib, with a slightly better ratio); one
// where a match search saves under 3% (float weights) is written as literals
// with a Huffman code fitted to it (deflate_literals.hpp): the same size as
// libdeflate at any level, several times faster. Block boundaries are fixed
// (1 MiB), never a function of the thread count. gzip readers (gzip -d,
// Go's compress/gzip in containerd, umoci and skopeo) read multi-member files
// as one stream. Headers are fixed (mtime 0, OS 255 "unknown", as Go writes
// them), so only the input, the level and the libdeflate version decide the
// bytes. `workers`: threads that will call encode().
Result<std::unique_ptr<BlockCodec>> make_gzip_codec(int level, unsigned workers);

// A zstd frame (with checksum) made by libzstd with `workers` threads of its
// own. libzstd cuts jobs by size, not by thread count, so the frame is the
// same for any workers >= 1.
Result<std::unique_ptr<BlockCodec>> make_zstd_codec(int level, unsigned workers);

} // namespace mlci::oci
