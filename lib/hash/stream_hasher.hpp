// A thread that hashes streams of bytes handed to it piece by piece, two
// streams at once where two have bytes waiting (sha256_update_pair). The
// chunk store's packs go through one (store/pack_writer.hpp), and a chunked
// file's whole digest shares it: the file's bytes and the packs' are hashed
// side by side, for little more than the cost of one of them.
#pragma once

#include <functional>
#include <memory>
#include <mlci/hash/digest.hpp>
#include <span>

namespace mlci::hash {

class StreamHasher {
public:
    StreamHasher();
    // Hashes what was handed over, then stops the thread.
    ~StreamHasher();
    StreamHasher(const StreamHasher&) = delete;
    StreamHasher& operator=(const StreamHasher&) = delete;

    struct Stream;
    // A new stream, empty.
    std::shared_ptr<Stream> open();
    // Hands `bytes` of `stream` over: they must stay as they are until
    // `hashed` is called, on the hasher's thread.
    void update(const std::shared_ptr<Stream>& stream, std::span<const uint8_t> bytes,
                std::function<void()> hashed);
    // Ends `stream`: `finished` gets its digest, on the hasher's thread, once
    // every byte handed over before is hashed.
    void finish(const std::shared_ptr<Stream>& stream, std::function<void(const Digest&)> finished);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace mlci::hash
