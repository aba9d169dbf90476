#include <libdeflate.h>
#include <mlci/oci/block_codec.hpp>
#include <mlci/oci/deflate_literals.hpp>

namespace mlci::oci {

namespace {

constexpr size_t k_member_overhead = 18; // gzip header (10) and trailer (8)

// A block is written as literals alone (deflate_literals.hpp) when a match
// search saves less than 3% on a sample from its middle: a sample long
// enough for text and tables to show their repeats, short enough to cost a
// few percent of the block's time. Smaller blocks (a layer's last) always get
// the search. The choice depends on the block's bytes alone.
constexpr size_t k_probe_size = 32 << 10;
constexpr size_t k_probe_min_block = 4 * k_probe_size;
constexpr int k_probe_level = 1;
constexpr uint64_t k_probe_gain_percent = 3;

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
    GzipCodec(int level, unsigned workers)
        : m_level(level), m_compressors(std::max(1u, workers)), m_probes(std::max(1u, workers)),
          m_probe_out(std::max(1u, workers)) {}

    bool independent_blocks() const override { return true; }

    Status encode(Block& b, unsigned worker) override {
        size_t n = 0;
        if (literals_pay(b, worker)) {
            auto code = fit_literal_code(b.in.data(), b.in_size);
            // Rarely, a code no shorter than the bytes: libdeflate stores them.
            if (code.bytes() < b.in_size) {
                reserve(b, code.bytes() + 8);
                n = write_literals(code, b.in.data(), b.in_size, b.out.data() + 10);
            }
        }
        if (n == 0) {
            MLCI_TRY_ASSIGN(c, compressor(m_compressors, worker, m_level));
            reserve(b, libdeflate_deflate_compress_bound(c, b.in_size));
            n = libdeflate_deflate_compress(c, b.in.data(), b.in_size, b.out.data() + 10,
                                            b.out.size() - k_member_overhead);
        }
        if (n == 0)
            return runtime_error("gzip compression failed (libdeflate: no room for {} bytes)",
                                 b.in_size);
        put_header(b.out.data());
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
    using Compressors = std::vector<std::unique_ptr<libdeflate_compressor, FreeCompressor>>;

    static Result<libdeflate_compressor*> compressor(Compressors& all, unsigned worker, int level) {
        auto& c = all.at(worker);
        if (!c)
            c.reset(libdeflate_alloc_compressor(level));
        if (!c)
            return runtime_error("cannot start gzip compression (libdeflate, level {})", level);
        return c.get();
    }

    // Room for a member of a deflate stream of up to `deflate_bytes`.
    static void reserve(Block& b, size_t deflate_bytes) {
        if (b.out.size() < deflate_bytes + k_member_overhead)
            b.out.resize(deflate_bytes + k_member_overhead);
    }

    // Whether literals alone do as well as a match search, judged on a sample.
    bool literals_pay(Block& b, unsigned worker) {
        if (b.in_size < k_probe_min_block)
            return false;
        const unsigned char* sample = b.in.data() + (b.in_size - k_probe_size) / 2;
        auto literals = fit_literal_code(sample, k_probe_size).bytes();
        auto c = compressor(m_probes, worker, k_probe_level);
        if (!c)
            return false;
        m_probe_out.at(worker).resize(k_probe_size + k_probe_size / 8 + 1024);
        auto& out = m_probe_out[worker];
        size_t searched =
            libdeflate_deflate_compress(*c, sample, k_probe_size, out.data(), out.size());
        return searched * 100 >= literals * (100 - k_probe_gain_percent);
    }

    int m_level;
    Compressors m_compressors; // per worker, at m_level
    Compressors m_probes;      // per worker, at k_probe_level
    std::vector<std::vector<unsigned char>> m_probe_out;
    uint64_t m_members = 0;
};

} // namespace

Result<std::unique_ptr<BlockCodec>> make_gzip_codec(int level, unsigned workers) {
    if (level < 1 || level > 9)
        return usage_error("invalid gzip level {} (1 to 9)", level);
    return std::make_unique<GzipCodec>(level, workers);
}

} // namespace mlci::oci
