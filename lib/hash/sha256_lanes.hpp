// Independent sha256 digests computed together: many messages (the chunks
// of a large file), or two streams fed piece by piece (a file's whole digest
// beside a pack's). SHA-NI's round instruction waits for its own result, so
// one message keeps the unit idle most of the time; hashing two or three
// interleaved fills it (sha256_lanes.cpp says what that gains). Where the
// CPU lacks SHA-NI, OpenSSL hashes one at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mlci/hash/digest.hpp>
#include <mlci/hash/raw_digest.hpp>
#include <span>

namespace mlci::hash {

// Where the messages come from: `next` sets `message` and `tag` to the next
// message to hash and returns true, or returns false when there is none
// left; `done` receives each digest with its message's tag, in any order.
// `next` is not called again once it returned false.
struct Sha256Jobs {
    std::function<bool(std::span<const uint8_t>& message, size_t& tag)> next;
    std::function<void(size_t tag, const RawDigest& digest)> done;
};

// Hashes every message `jobs` gives, on the calling thread.
void sha256_each(const Sha256Jobs& jobs);

// True when sha256_each and sha256_update_pair interleave with SHA-NI on
// this CPU.
bool sha256_lanes_available();

// A sha256 fed piece by piece, as Sha256 is, whose pieces
// sha256_update_pair can hash alongside another stream's.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(Sha256Stream&&) noexcept;
    Sha256Stream& operator=(Sha256Stream&&) noexcept;

    void update(std::span<const uint8_t> bytes);
    // Finishes the hash; the stream must not be updated afterwards.
    Digest finish();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
    friend void sha256_update_pair(Sha256Stream& a, std::span<const uint8_t> a_bytes,
                                   Sha256Stream& b, std::span<const uint8_t> b_bytes);
};

// Feeds `a_bytes` to `a` and `b_bytes` to `b` (two different streams), the
// two interleaved as far as both go.
void sha256_update_pair(Sha256Stream& a, std::span<const uint8_t> a_bytes, Sha256Stream& b,
                        std::span<const uint8_t> b_bytes);

} // namespace mlci::hash
