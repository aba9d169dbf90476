// Many independent sha256 digests at once (the chunks of a large file).
// SHA-NI's round instruction waits for its own result, so one message keeps
// the unit idle most of the time; hashing three messages interleaved fills it
// (sha256_lanes.cpp says what that gains). Where the CPU lacks SHA-NI, each
// message goes through OpenSSL as RawDigest::of does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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

// True when sha256_each interleaves messages with SHA-NI on this CPU.
bool sha256_lanes_available();

} // namespace mlci::hash
