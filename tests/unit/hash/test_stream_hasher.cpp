#include <catch2/catch.hpp>
#include <condition_variable>
#include <mlci/hash/sha256.hpp>
#include <mlci/hash/stream_hasher.hpp>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using namespace mlci::hash;

TEST_CASE("streams handed to a hasher from several threads hash like each whole", "[hash][lanes]") {
    std::mt19937_64 rng(6);
    std::vector<uint8_t> bytes(8 << 20);
    for (auto& b : bytes)
        b = static_cast<uint8_t>(rng());
    constexpr size_t k_streams = 3;
    std::vector<Digest> got(k_streams);
    std::mutex mutex;
    std::condition_variable changed;
    size_t finished = 0;
    size_t hashed = 0, handed = 0;
    {
        StreamHasher hasher;
        // Each thread feeds its stream in pieces of its own sizes, so that
        // pieces pair up and split at every offset.
        std::vector<std::thread> feeders;
        feeders.reserve(k_streams);
        for (size_t t = 0; t < k_streams; ++t)
            feeders.emplace_back([&, t] {
                auto stream = hasher.open();
                std::mt19937_64 sizes(t);
                for (size_t at = 0; at < bytes.size();) {
                    size_t n = std::min<size_t>(sizes() % (300 << 10), bytes.size() - at);
                    {
                        std::lock_guard lock(mutex);
                        ++handed;
                    }
                    hasher.update(stream, std::span(bytes.data() + at, n), [&] {
                        std::lock_guard lock(mutex);
                        ++hashed;
                    });
                    at += n;
                }
                hasher.finish(stream, [&, t](const Digest& d) {
                    {
                        std::lock_guard lock(mutex);
                        got[t] = d;
                        ++finished;
                    }
                    changed.notify_all();
                });
            });
        for (auto& f : feeders)
            f.join();
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return finished == k_streams; });
    }
    CHECK(hashed == handed);
    auto whole =
        sha256_of(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    for (auto& d : got)
        CHECK(d == whole);
}
