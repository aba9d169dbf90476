#include <catch2/catch.hpp>
#include <map>
#include <mlci/hash/raw_digest.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/hash/sha256_lanes.hpp>
#include <random>
#include <span>
#include <vector>

using namespace mlci::hash;

namespace {

// The digests sha256_each gives for `messages`, by index, with each tag a
// value other than the index, so that a digest filed under the wrong tag
// shows.
std::vector<RawDigest> lanes_digests(const std::vector<std::span<const uint8_t>>& messages) {
    constexpr size_t k_tag_offset = 1000003;
    std::map<size_t, RawDigest> by_tag;
    size_t next = 0;
    sha256_each(
        {[&](std::span<const uint8_t>& message, size_t& tag) {
             if (next == messages.size())
                 return false;
             message = messages[next];
             tag = k_tag_offset + next++;
             return true;
         },
         [&](size_t tag, const RawDigest& digest) { CHECK(by_tag.emplace(tag, digest).second); }});
    REQUIRE(by_tag.size() == messages.size());
    std::vector<RawDigest> out(messages.size());
    for (size_t i = 0; i < messages.size(); ++i)
        out[i] = by_tag.at(k_tag_offset + i);
    return out;
}

void check_against_openssl(const std::vector<std::span<const uint8_t>>& messages) {
    auto got = lanes_digests(messages);
    for (size_t i = 0; i < messages.size(); ++i) {
        CAPTURE(i, messages[i].size());
        CHECK(got[i] == RawDigest::of(messages[i].data(), messages[i].size()));
    }
}

std::vector<uint8_t> lanes_random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto& b : out)
        b = static_cast<uint8_t>(rng());
    return out;
}

} // namespace

TEST_CASE("lanes hash known strings as sha256 defines them", "[hash][lanes]") {
    INFO("SHA-NI lanes in use: " << sha256_lanes_available());
    const std::string abc = "abc";
    auto got = lanes_digests({{}, {reinterpret_cast<const uint8_t*>(abc.data()), abc.size()}});
    CHECK(got[0].hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(got[1].hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("lanes agree with OpenSSL on every length up to several blocks, unaligned",
          "[hash][lanes]") {
    auto bytes = lanes_random_bytes(16384, 1);
    std::vector<std::span<const uint8_t>> messages;
    // Every length from 0 to 4200 (the padding takes one block or two; 55,
    // 56, 63 and 64 are its edges), each at a different odd offset.
    for (size_t len = 0; len <= 4200; ++len)
        messages.emplace_back(bytes.data() + (len * 7 % 4096) + 1, len);
    check_against_openssl(messages);
}

TEST_CASE("lanes agree with OpenSSL on one, two and many messages of mixed sizes",
          "[hash][lanes]") {
    auto bytes = lanes_random_bytes(1 << 20, 2);
    std::mt19937_64 rng(3);
    auto random_message = [&](size_t max) {
        size_t len = rng() % max;
        size_t at = rng() % (bytes.size() - len);
        return std::span<const uint8_t>(bytes.data() + at, len);
    };
    // Fewer messages than lanes, then lanes that finish at different times
    // and take new messages while the others go on.
    for (size_t count : {1, 2, 3, 4, 5, 50}) {
        CAPTURE(count);
        std::vector<std::span<const uint8_t>> messages(count);
        for (auto& m : messages)
            m = random_message(300000);
        check_against_openssl(messages);
    }
    std::vector<std::span<const uint8_t>> mixed(300);
    for (size_t i = 0; i < mixed.size(); ++i)
        mixed[i] = random_message(i % 3 == 0 ? 70 : 70000);
    check_against_openssl(mixed);
}

TEST_CASE("lanes with no message give no digest", "[hash][lanes]") {
    size_t calls = 0;
    sha256_each({[&](std::span<const uint8_t>&, size_t&) {
                     ++calls;
                     return false;
                 },
                 [&](size_t, const RawDigest&) { FAIL("a digest of nothing"); }});
    CHECK(calls == 1);
}

TEST_CASE("a stream fed in pieces, alone or beside another, hashes like the whole",
          "[hash][lanes]") {
    auto bytes = lanes_random_bytes(3 << 20, 4);
    std::mt19937_64 rng(5);
    // Pieces of every kind: empty, shorter than a block, ending a block
    // started before, many blocks; the two streams at different offsets.
    const size_t sizes[] = {0, 1, 63, 64, 65, 127, 1000, 4096, 100000};
    for (int round = 0; round < 20; ++round) {
        CAPTURE(round);
        Sha256Stream a, b;
        Sha256 a_check, b_check;
        size_t a_at = rng() % 100, b_at = 200 + rng() % 100;
        for (int piece = 0; piece < 40; ++piece) {
            auto take = [&](size_t& at) {
                size_t n = std::min(sizes[rng() % std::size(sizes)], bytes.size() - at);
                std::span<const uint8_t> out(bytes.data() + at, n);
                at += n;
                return out;
            };
            auto x = take(a_at);
            auto y = take(b_at);
            a_check.update(x.data(), x.size());
            b_check.update(y.data(), y.size());
            if (rng() % 3 == 0) {
                a.update(x);
                b.update(y);
            } else {
                sha256_update_pair(a, x, b, y);
            }
        }
        CHECK(a.finish() == a_check.finish());
        CHECK(b.finish() == b_check.finish());
    }
    Sha256Stream empty;
    CHECK(empty.finish() == sha256_of(""));
}
