#include <libdeflate.h>
#include <mlci/oci/block_codec.hpp>

namespace mlci::oci {

namespace {

constexpr size_t k_member_overhead = 18; // gzip header (10) and trailer (8)

// ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255, as Go writes it.
void put_header(unsigned char* out) {
    static constexpr unsigned char k_header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    std::copy(std::begin(k_header), std::end(k_header), out);
}

void put_le32(unsigned char* out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
}

struct FreeCompressor {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

class GzipCodec final : public BlockCodec {
public:
    GzipCodec(int level, unsigned workers) : m_level(level), m_compressors(std::max(1u, workers)) {}

    bool independent_blocks() const override { return true; }

    Status encode(Block& b, unsigned worker) override {
        auto& c = m_compressors.at(worker);
        if (!c)
            c.reset(libdeflate_alloc_compressor(m_level));
        if (!c)
            return runtime_error("cannot start gzip compression (libdeflate, level {})", m_level);
        size_t bound = libdeflate_deflate_compress_bound(c.get(), b.in_size) + k_member_overhead;
        if (b.out.size() < bound)
            b.out.resize(bound);
        put_header(b.out.data());
        size_t n = libdeflate_deflate_compress(c.get(), b.in.data(), b.in_size, b.out.data() + 10,
                                               b.out.size() - k_member_overhead);
        if (n == 0)
            return runtime_error("gzip compression failed (libdeflate: no room for {} bytes)",
                                 b.in_size);
        b.crc = libdeflate_crc32(0, b.in.data(), b.in_size);
        put_le32(b.out.data() + 10 + n, b.crc);
        put_le32(b.out.data() + 14 + n, static_cast<uint32_t>(b.in_size & 0xffffffffu));
        b.out_size = n + k_member_overhead;
        return {};
    }

    void written(const Block&) override { ++m_members; }

    // A stream with no block at all still has to be gzip: one empty member.
    std::string trailer() const override {
        if (m_members > 0)
            return {};
        std::string t(20, '\0');
        put_header(reinterpret_cast<unsigned char*>(t.data()));
        t[10] = 0x03; // a final, fixed-Huffman block holding only end-of-block
        return t;     // crc32 and size of nothing: zero
    }

private:
    int m_level;
    std::vector<std::unique_ptr<libdeflate_compressor, FreeCompressor>> m_compressors; // per worker
    uint64_t m_members = 0;
};

} // namespace

Result<std::unique_ptr<BlockCodec>> make_gzip_codec(int level, unsigned workers) {
    if (level < 1 || level > 9)
        return usage_error("invalid gzip level {} (1 to 9)", level);
    return std::make_unique<GzipCodec>(level, workers);
}

} // namespace mlci::oci
