#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <mlci/core/fd.hpp>
#include <mlci/oci/decompress.hpp>
#include <unistd.h>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace mlci::oci {

namespace {

constexpr size_t k_chunk = 1 << 20;

// Calls `feed` with each piece of the file until it ends or `feed` fails.
Status read_pieces(const std::filesystem::path& path,
                   const std::function<Status(const unsigned char*, size_t)>& feed) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", path.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    std::vector<unsigned char> buf(k_chunk);
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read '{}'", path.string()));
        if (n == 0)
            return {};
        MLCI_TRY(feed(buf.data(), static_cast<size_t>(n)));
    }
}

Status gunzip(const std::filesystem::path& path, const ByteSink& sink) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 32) != Z_OK) // 32: read the gzip header
        return runtime_error("cannot start gzip decompression (zlib)");
    std::unique_ptr<z_stream, void (*)(z_stream*)> guard(&z, [](z_stream* s) { inflateEnd(s); });
    std::vector<unsigned char> out(k_chunk);
    bool ended = false;
    MLCI_TRY(read_pieces(path, [&](const unsigned char* data, size_t n) -> Status {
        z.next_in = const_cast<unsigned char*>(data);
        z.avail_in = static_cast<uInt>(n);
        while (z.avail_in > 0) {
            if (ended) { // another gzip member follows (as `cat a.gz b.gz` makes)
                inflateReset(&z);
                ended = false;
            }
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            int rc = inflate(&z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return runtime_error("'{}' is not valid gzip data (zlib error {})", path.string(),
                                     rc);
            MLCI_TRY(sink(out.data(), out.size() - z.avail_out));
            ended = rc == Z_STREAM_END;
            if (rc == Z_BUF_ERROR && z.avail_out > 0)
                break;
        }
        return {};
    }));
    if (!ended)
        return runtime_error("'{}' ends in the middle of its gzip stream", path.string());
    return {};
}

Status unzstd(const std::filesystem::path& path, const ByteSink& sink) {
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!dctx)
        return runtime_error("out of memory");
    std::vector<unsigned char> out(k_chunk);
    size_t pending = 1; // ZSTD_decompressStream's hint: 0 once a frame is complete
    MLCI_TRY(read_pieces(path, [&](const unsigned char* data, size_t n) -> Status {
        ZSTD_inBuffer in{data, n, 0};
        while (in.pos < in.size) {
            ZSTD_outBuffer o{out.data(), out.size(), 0};
            pending = ZSTD_decompressStream(dctx.get(), &o, &in);
            if (ZSTD_isError(pending))
                return runtime_error("'{}' is not valid zstd data: {}", path.string(),
                                     ZSTD_getErrorName(pending));
            MLCI_TRY(sink(out.data(), o.pos));
        }
        return {};
    }));
    // Flush what the decoder still holds (its output buffer was full) until
    // the frame ends; no progress means the input stopped short.
    while (pending != 0) {
        ZSTD_inBuffer in{nullptr, 0, 0};
        ZSTD_outBuffer o{out.data(), out.size(), 0};
        size_t rc = ZSTD_decompressStream(dctx.get(), &o, &in);
        if (ZSTD_isError(rc))
            return runtime_error("'{}' is not valid zstd data: {}", path.string(),
                                 ZSTD_getErrorName(rc));
        MLCI_TRY(sink(out.data(), o.pos));
        if (o.pos == 0)
            break;
        pending = rc;
    }
    if (pending != 0)
        return runtime_error("'{}' ends in the middle of its zstd frame", path.string());
    return {};
}

} // namespace

Status decompress_file(const std::filesystem::path& path, Compression c, const ByteSink& sink) {
    switch (c) {
    case Compression::gzip:
        return gunzip(path, sink);
    case Compression::zstd:
        return unzstd(path, sink);
    case Compression::none:
        break;
    }
    return read_pieces(path, [&](const unsigned char* d, size_t n) { return sink(d, n); });
}

} // namespace mlci::oci
