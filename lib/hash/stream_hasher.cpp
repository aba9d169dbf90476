#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mlci/hash/sha256_lanes.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mlci::hash {

namespace {

// How much of one stream the hasher hashes alone before it looks again for
// a second one to pair it with: 0.04 ms of hashing.
constexpr size_t k_alone_step = 64u << 10;

// Bytes of a stream to hash, or (`end`) the end of the stream.
struct StreamPiece {
    std::span<const uint8_t> bytes;
    bool end = false;
    std::function<void()> hashed;
    std::function<void(const Digest&)> finished;
};

} // namespace

struct StreamHasher::Stream {
    Sha256Stream sha;                // the hasher's thread alone
    std::deque<StreamPiece> pending; // under the mutex
};

struct StreamHasher::Impl {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::shared_ptr<Stream>> ready; // streams with pieces pending, in turn
    bool stopping = false;
    std::thread thread;

    ~Impl() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        changed.notify_all();
        if (thread.joinable())
            thread.join();
    }

    void hand_over(const std::shared_ptr<Stream>& stream, StreamPiece piece) {
        {
            std::lock_guard lock(mutex);
            if (stream->pending.empty())
                ready.push_back(stream);
            stream->pending.push_back(std::move(piece));
        }
        changed.notify_all();
    }

    // Takes `n` bytes off the first piece of `stream`; a piece used up is
    // removed, its callback kept in `calls` to run outside the lock. A
    // stream with pieces left goes to the back of the turn.
    void consume(const std::shared_ptr<Stream>& stream, size_t n, const Digest* digest,
                 std::vector<std::function<void()>>& calls) {
        auto& piece = stream->pending.front();
        piece.bytes = piece.bytes.subspan(n);
        if (piece.end)
            calls.emplace_back([f = std::move(piece.finished), d = *digest] { f(d); });
        else if (piece.bytes.empty())
            calls.emplace_back(std::move(piece.hashed));
        if (piece.end || piece.bytes.empty())
            stream->pending.pop_front();
        ready.erase(std::find(ready.begin(), ready.end(), stream));
        if (!stream->pending.empty())
            ready.push_back(stream);
    }

    void run() {
        std::vector<std::function<void()>> calls;
        std::unique_lock lock(mutex);
        for (;;) {
            changed.wait(lock, [&] { return !ready.empty() || stopping; });
            if (ready.empty())
                return;
            auto a = ready[0];
            auto b = ready.size() > 1 ? ready[1] : nullptr;
            const auto& first = a->pending.front();
            if (b && (first.end || b->pending.front().end))
                b = nullptr;
            const auto a_bytes = first.bytes;
            const auto b_bytes = b ? b->pending.front().bytes : std::span<const uint8_t>();
            // Alone, a little at a time: another stream's bytes may come
            // meanwhile, and the rest goes beside them.
            const size_t n = b ? std::min(a_bytes.size(), b_bytes.size())
                               : std::min(a_bytes.size(), k_alone_step);
            const bool end = first.end;
            lock.unlock();
            std::optional<Digest> digest;
            if (end)
                digest = a->sha.finish();
            else if (b)
                sha256_update_pair(a->sha, a_bytes.first(n), b->sha, b_bytes.first(n));
            else
                a->sha.update(a_bytes.first(n));
            lock.lock();
            consume(a, n, digest ? &*digest : nullptr, calls);
            if (b)
                consume(b, n, nullptr, calls);
            lock.unlock();
            for (auto& call : calls)
                call();
            calls.clear();
            lock.lock();
        }
    }
};

StreamHasher::StreamHasher() : m_impl(std::make_unique<Impl>()) {
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

StreamHasher::~StreamHasher() = default;

std::shared_ptr<StreamHasher::Stream> StreamHasher::open() {
    return std::make_shared<Stream>();
}

void StreamHasher::update(const std::shared_ptr<Stream>& stream, std::span<const uint8_t> bytes,
                          std::function<void()> hashed) {
    m_impl->hand_over(stream, {bytes, false, std::move(hashed), {}});
}

void StreamHasher::finish(const std::shared_ptr<Stream>& stream,
                          std::function<void(const Digest&)> finished) {
    m_impl->hand_over(stream, {{}, true, {}, std::move(finished)});
}

} // namespace mlci::hash
