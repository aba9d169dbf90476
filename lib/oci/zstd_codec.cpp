#include <mlci/oci/block_codec.hpp>
#include <zstd.h>

namespace mlci::oci {

namespace {

struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

class ZstdCodec final : public BlockCodec {
public:
    explicit ZstdCodec(ZSTD_CCtx* cctx) : m_cctx(cctx) {}

    bool independent_blocks() const override { return false; }

    Status encode(Block& b, unsigned) override {
        ZSTD_inBuffer in{b.in.data(), b.in_size, 0};
        auto mode = b.last ? ZSTD_e_end : ZSTD_e_continue;
        if (b.out.size() < ZSTD_CStreamOutSize())
            b.out.resize(ZSTD_CStreamOutSize());
        b.out_size = 0;
        for (;;) {
            if (b.out_size == b.out.size())
                b.out.resize(b.out.size() * 2);
            ZSTD_outBuffer out{b.out.data(), b.out.size(), b.out_size};
            size_t rc = ZSTD_compressStream2(m_cctx.get(), &out, &in, mode);
            b.out_size = out.pos;
            if (ZSTD_isError(rc))
                return runtime_error("zstd compression failed: {}", ZSTD_getErrorName(rc));
            // Done when the input is taken (continue) or the frame is flushed (end).
            if (b.last ? rc == 0 : in.pos == in.size)
                break;
        }
        return {};
    }

private:
    std::unique_ptr<ZSTD_CCtx, CCtxFree> m_cctx;
};

} // namespace

Result<std::unique_ptr<BlockCodec>> make_zstd_codec(int level, unsigned workers) {
    if (level < 1 || level > ZSTD_maxCLevel())
        return usage_error("invalid zstd level {} (1 to {})", level, ZSTD_maxCLevel());
    std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
    if (!cctx)
        return runtime_error("out of memory");
    auto set = [&](ZSTD_cParameter p, int v) {
        return !ZSTD_isError(ZSTD_CCtx_setParameter(cctx.get(), p, v));
    };
    if (!set(ZSTD_c_compressionLevel, level) || !set(ZSTD_c_checksumFlag, 1))
        return runtime_error("cannot configure zstd compression");
    // A libzstd built without threads rejects this; it then compresses on
    // the pipeline's thread, in a frame that differs from the threaded one.
    set(ZSTD_c_nbWorkers, static_cast<int>(std::max(1u, workers)));
    return std::unique_ptr<BlockCodec>(new ZstdCodec(cctx.release()));
}

} // namespace mlci::oci
