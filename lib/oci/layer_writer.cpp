#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mlci/core/parallel.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/block_codec.hpp>
#include <mlci/oci/layer_writer.hpp>
#include <mutex>
#include <optional>
#include <thread>

namespace mlci::oci {

namespace {

// 1 MiB blocks: large enough that gzip's per-block flush costs nothing
// measurable in size, small enough that a few per thread stay in memory.
constexpr size_t k_block_size = 1 << 20;
constexpr size_t k_window = 32 << 10; // deflate's window: a block's dictionary

// A block's way through the ring: the producer fills it, a worker encodes
// it (skipped without compression), the writer writes it and frees it.
enum class SlotState { free, filling, filled, encoding, encoded };

class Pipeline {
public:
    Pipeline(BlockCodec* codec, unsigned workers, store::BlobWriter& out, const Reporter& reporter,
             uint64_t expected, std::string phase)
        : m_codec(codec), m_workers(codec ? workers : 0), m_out(out), m_reporter(reporter),
          m_expected(expected), m_phase(std::move(phase)) {
        size_t slots = codec && codec->independent_blocks() ? 2 * workers + 2 : 4;
        m_blocks.resize(slots);
        m_state.assign(slots, SlotState::free);
    }

    // Runs the stages; returns the diff_id and the size of the tar stream.
    Result<std::pair<hash::Digest, uint64_t>> run(const Producer& produce) {
        std::jthread producer([&] {
            guarded([&]() -> Status {
                MLCI_TRY(produce([this](const void* d, size_t n) { return sink(d, n); }));
                return finish_producing();
            });
        });
        std::jthread hasher([this] { guarded([&] { return hash_loop(); }); });
        std::vector<std::jthread> workers;
        workers.reserve(m_workers);
        for (unsigned w = 0; w < m_workers; ++w)
            workers.emplace_back([this, w] { guarded([&] { return encode_loop(w); }); });
        guarded([&] { return write_loop(); });
        producer.join();
        hasher.join();
        workers.clear(); // joins
        if (m_error)
            return std::unexpected(*m_error);
        return std::pair{m_diff.finish(), m_tar_size};
    }

private:
    size_t slot(uint64_t seq) const { return static_cast<size_t>(seq % m_blocks.size()); }

    // Runs a stage, turning an error or exception into a stop of every stage.
    void guarded(const std::function<Status()>& stage) {
        Status s;
        try {
            s = stage();
        } catch (const std::exception& e) {
            s = std::unexpected(Error{Exit::runtime, e.what()});
        }
        if (!s)
            fail(s.error());
    }

    void fail(Error e) {
        {
            std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::move(e);
            m_failed = true;
        }
        m_changed.notify_all();
    }

    void set_state(size_t i, SlotState s) {
        {
            std::lock_guard lock(m_mutex);
            m_state[i] = s;
        }
        m_changed.notify_all();
    }

    // Producer: the tar stream arrives here in pieces of any size.
    Status sink(const void* data, size_t size) {
        m_tar_size += size;
        auto* p = static_cast<const unsigned char*>(data);
        while (size > 0) {
            // A full block is handed on only when more bytes come, so that
            // the last block is known to be last when it is handed on.
            if (m_current && m_current->in_size == k_block_size)
                publish(false);
            if (!m_current)
                MLCI_TRY(acquire());
            auto& b = *m_current;
            size_t n = std::min(size, k_block_size - b.in_size);
            std::memcpy(b.in.data() + b.in_size, p, n);
            b.in_size += n;
            p += n;
            size -= n;
        }
        return {};
    }

    Status finish_producing() {
        if (!m_current)
            MLCI_TRY(acquire());
        publish(true);
        return {};
    }

    Status acquire() {
        size_t i = slot(m_fill_seq);
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_failed || m_state[i] == SlotState::free; });
            if (m_failed)
                return runtime_error("layer writing stopped");
            m_state[i] = SlotState::filling;
        }
        auto& b = m_blocks[i];
        if (b.in.size() < k_block_size)
            b.in.resize(k_block_size);
        b.in_size = 0;
        b.out_size = 0;
        b.last = false;
        if (m_codec && m_codec->needs_dictionary())
            b.dict = m_tail;
        m_current = &b;
        return {};
    }

    void publish(bool last) {
        auto& b = *m_current;
        b.last = last;
        if (m_codec && m_codec->needs_dictionary() && !last) {
            size_t n = std::min(k_window, b.in_size);
            m_tail.assign(b.in.begin() + static_cast<ptrdiff_t>(b.in_size - n),
                          b.in.begin() + static_cast<ptrdiff_t>(b.in_size));
        }
        {
            std::lock_guard lock(m_mutex);
            m_state[slot(m_fill_seq)] = SlotState::filled;
            ++m_published;
            m_produced_all = last;
        }
        m_changed.notify_all();
        m_current = nullptr;
        ++m_fill_seq;
    }

    // Workers: take filled blocks in stream order and encode them.
    Status encode_loop(unsigned worker) {
        for (;;) {
            size_t i;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] {
                    return m_failed || m_next_encode < m_published || m_produced_all;
                });
                if (m_failed || m_next_encode >= m_published)
                    return {}; // stopped, or every block is encoded
                i = slot(m_next_encode++);
                m_state[i] = SlotState::encoding;
            }
            MLCI_TRY(m_codec->encode(m_blocks[i], worker));
            set_state(i, SlotState::encoded);
        }
    }

    // Hasher: the diff_id, over filled blocks in stream order. On a thread
    // of its own, not the producer's, so that it overlaps reading the files
    // (which hashes them too, to check them) rather than adding to it.
    Status hash_loop() {
        for (uint64_t seq = 0;; ++seq) {
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_failed || seq < m_published; });
                if (m_failed)
                    return {};
            }
            auto& b = m_blocks[slot(seq)];
            m_diff.update(b.in.data(), b.in_size);
            bool last = b.last;
            {
                std::lock_guard lock(m_mutex);
                m_hashed = seq + 1;
            }
            m_changed.notify_all();
            if (last)
                return {};
        }
    }

    // Writer: writes blocks to the blob in stream order and frees them.
    Status write_loop() {
        auto write = [&](const void* d, size_t n) { return n ? m_out.write(d, n) : Status(); };
        if (m_codec) {
            auto h = m_codec->header();
            MLCI_TRY(write(h.data(), h.size()));
        }
        auto ready = m_codec ? SlotState::encoded : SlotState::filled;
        uint64_t done = 0;
        for (uint64_t seq = 0;; ++seq) {
            size_t i = slot(seq);
            {
                std::unique_lock lock(m_mutex);
                // A block is freed once hashed too.
                m_changed.wait(lock,
                               [&] { return m_failed || (m_state[i] == ready && seq < m_hashed); });
                if (m_failed)
                    return {};
            }
            auto& b = m_blocks[i];
            if (m_codec) {
                MLCI_TRY(write(b.out.data(), b.out_size));
                m_codec->written(b);
            } else {
                MLCI_TRY(write(b.in.data(), b.in_size));
            }
            done += b.in_size;
            m_reporter.report({m_phase, seq + 1, 0, done, std::max(m_expected, done)});
            bool last = b.last;
            set_state(i, SlotState::free);
            if (last)
                break;
        }
        if (m_codec) {
            auto t = m_codec->trailer();
            MLCI_TRY(write(t.data(), t.size()));
        }
        return {};
    }

    BlockCodec* m_codec;
    unsigned m_workers;
    store::BlobWriter& m_out;
    const Reporter& m_reporter;
    uint64_t m_expected;
    std::string m_phase;

    std::vector<Block> m_blocks;
    std::vector<SlotState> m_state; // guarded by m_mutex, as are the fields below
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_failed = false;
    std::optional<Error> m_error;
    uint64_t m_published = 0;
    bool m_produced_all = false;
    uint64_t m_next_encode = 0;
    uint64_t m_hashed = 0; // blocks the hasher is done with

    hash::Sha256 m_diff; // the hasher's

    // The producer's own state.
    Block* m_current = nullptr;
    uint64_t m_fill_seq = 0;
    std::vector<unsigned char> m_tail;
    uint64_t m_tar_size = 0;
};

Result<std::unique_ptr<BlockCodec>> make_codec(const LayerOptions& o, unsigned jobs) {
    switch (o.compression) {
    case Compression::none:
        return std::unique_ptr<BlockCodec>();
    case Compression::gzip:
        return make_gzip_codec(o.level ? o.level : k_gzip_default_level, jobs);
    case Compression::zstd:
        return make_zstd_codec(o.level ? o.level : k_zstd_default_level, jobs);
    }
    return std::unique_ptr<BlockCodec>();
}

} // namespace

Result<Layer> write_layer_stream(const store::Store& store, const Producer& produce,
                                 uint64_t expected_size, const LayerOptions& options,
                                 const Reporter& reporter) {
    unsigned jobs = std::max(1u, options.jobs ? options.jobs : default_jobs());
    MLCI_TRY_ASSIGN(codec, make_codec(options, jobs));
    unsigned workers = codec && codec->independent_blocks() ? jobs : 1;
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    Pipeline pipeline(codec.get(), workers, writer, reporter, expected_size, options.phase);
    MLCI_TRY_ASSIGN(result, pipeline.run(produce));
    MLCI_TRY_ASSIGN(blob, writer.commit(layer_media_type(options.compression)));
    return Layer{std::move(blob), result.first, result.second};
}

Result<Layer> write_layer(const store::Store& store, std::vector<TarEntry> entries,
                          const LayerOptions& options, const Reporter& reporter) {
    uint64_t expected = estimated_tar_size(entries);
    auto produce = [&](const ByteSink& sink) {
        return write_tar(std::move(entries), options.mtime, sink);
    };
    return write_layer_stream(store, produce, expected, options, reporter);
}

} // namespace mlci::oci
