#include <mlci/oci/block_codec.hpp>
#include <zlib.h>

namespace mlci::oci {

namespace {

struct DeflateStream {
    z_stream z{};
    bool ready = false;
    ~DeflateStream() {
        if (ready)
            deflateEnd(&z);
    }
};

class GzipCodec final : public BlockCodec {
public:
    GzipCodec(int level, unsigned workers) : m_level(level), m_streams(std::max(1u, workers)) {}

    bool independent_blocks() const override { return true; }
    bool needs_dictionary() const override { return true; }

    std::string header() const override {
        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255
        return std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    }

    Status encode(Block& b, unsigned worker) override {
        auto& s = m_streams.at(worker);
        if (!s.ready) {
            // Raw deflate (negative window bits): the gzip framing is ours.
            if (deflateInit2(&s.z, m_level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return runtime_error("cannot start gzip compression (zlib)");
            s.ready = true;
        } else if (deflateReset(&s.z) != Z_OK) {
            return runtime_error("cannot reset gzip compression (zlib)");
        }
        if (!b.dict.empty() &&
            deflateSetDictionary(&s.z, b.dict.data(), static_cast<uInt>(b.dict.size())) != Z_OK)
            return runtime_error("cannot prime gzip compression (zlib)");
        b.crc = static_cast<uint32_t>(crc32(0, b.in.data(), static_cast<uInt>(b.in_size)));
        // A sync flush adds an empty stored block; 64 bytes more than the
        // bound leaves room for it.
        size_t bound = deflateBound(&s.z, static_cast<uLong>(b.in_size)) + 64;
        if (b.out.size() < bound)
            b.out.resize(bound);
        s.z.next_in = b.in.data();
        s.z.avail_in = static_cast<uInt>(b.in_size);
        b.out_size = 0;
        int flush = b.last ? Z_FINISH : Z_SYNC_FLUSH;
        for (;;) {
            if (b.out_size == b.out.size())
                b.out.resize(b.out.size() * 2);
            s.z.next_out = b.out.data() + b.out_size;
            s.z.avail_out = static_cast<uInt>(b.out.size() - b.out_size);
            int rc = deflate(&s.z, flush);
            b.out_size = b.out.size() - s.z.avail_out;
            if (rc == Z_STREAM_END)
                break;
            if (rc != Z_OK && rc != Z_BUF_ERROR)
                return runtime_error("gzip compression failed (zlib error {})", rc);
            if (!b.last && s.z.avail_in == 0 && s.z.avail_out > 0)
                break;
        }
        return {};
    }

    void written(const Block& b) override {
        m_crc = crc32_combine(m_crc, b.crc, static_cast<z_off_t>(b.in_size));
        m_size += b.in_size;
    }

    std::string trailer() const override {
        std::string t(8, '\0');
        auto put = [&](size_t at, uint32_t v) {
            for (int i = 0; i < 4; ++i)
                t[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
        };
        put(0, static_cast<uint32_t>(m_crc));
        put(4, static_cast<uint32_t>(m_size & 0xffffffffu)); // ISIZE is the size mod 2^32
        return t;
    }

private:
    int m_level;
    std::vector<DeflateStream> m_streams; // one per worker: zlib streams are not shared
    uLong m_crc = crc32(0, nullptr, 0);
    uint64_t m_size = 0;
};

} // namespace

Result<std::unique_ptr<BlockCodec>> make_gzip_codec(int level, unsigned workers) {
    if (level < 1 || level > 9)
        return usage_error("invalid gzip level {} (1 to 9)", level);
    return std::make_unique<GzipCodec>(level, workers);
}

} // namespace mlci::oci
