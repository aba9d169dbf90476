// SHA-256 of several inputs interleaved, with the x86 SHA extensions.
//
// Why: sha256rnds2 (two rounds) needs the previous one's result, so one
// message is bound by the instruction's latency, not by how many the core can
// start: on the AMD EPYC (Zen 4) this was measured on, OpenSSL's SHA-NI code
// hashes 1.8 GB/s a core, and three messages interleaved here 4.1 GB/s, two
// 3.0 (four: no better than three, the registers run out). A chunked add
// hashes every byte three times (the file, its chunk, its pack): the chunks
// go three at a time (sha256_each), the file beside the packs
// (sha256_update_pair, through hash/stream_hasher).
//
// How: the compression function is Intel's SHA-NI sequence (its white paper
// "Intel SHA Extensions", 2013), written once over N lanes so that the
// compiler interleaves the N independent instruction chains. A lane of
// sha256_each holds one message: its full blocks are read in place, its last
// partial block and the padding from a small buffer; a lane that finishes
// takes the next message, so lanes stay full while messages of different
// lengths remain. A Sha256Stream keeps a block left unfinished by a piece
// until the next piece completes it. The functions that use SHA-NI are
// compiled for it alone (gnu::target) and called only after cpuid said the
// CPU has it; elsewhere OpenSSL hashes.
#include <algorithm>
#include <cstring>
#include <mlci/hash/sha256.hpp>
#include <mlci/hash/sha256_lanes.hpp>
#include <optional>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace mlci::hash {

namespace {

void hash_with_openssl(const Sha256Jobs& jobs) {
    std::span<const uint8_t> message;
    size_t tag = 0;
    while (jobs.next(message, tag))
        jobs.done(tag, RawDigest::of(message.data(), message.size()));
}

#if defined(__x86_64__)

bool cpu_has_sha_ni() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

alignas(16) constexpr uint32_t k_sha256_rounds[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t k_sha256_initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// The eight state words as sha256rnds2 takes them: words A, B, E, F in one
// register and C, D, G, H in the other, highest lane first.
struct LaneState {
    __m128i abef;
    __m128i cdgh;
};

LaneState lane_initial_state() {
    auto w = [](size_t i) { return static_cast<int>(k_sha256_initial[i]); };
    return {_mm_set_epi32(w(0), w(1), w(4), w(5)), _mm_set_epi32(w(2), w(3), w(6), w(7))};
}

RawDigest lane_digest(const LaneState& s) {
    alignas(16) uint32_t abef[4], cdgh[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(abef), s.abef);
    _mm_store_si128(reinterpret_cast<__m128i*>(cdgh), s.cdgh);
    const uint32_t words[8] = {abef[3], abef[2], cdgh[3], cdgh[2],
                               abef[1], abef[0], cdgh[1], cdgh[0]};
    RawDigest d;
    for (size_t i = 0; i < 8; ++i)
        for (size_t b = 0; b < 4; ++b)
            d.bytes[4 * i + b] = static_cast<uint8_t>(words[i] >> (24 - 8 * b));
    return d;
}

// Runs `blocks` 64-byte blocks of each of N messages through their states:
// the same code for every lane, unrolled, so that the N chains interleave.
// Each group of four rounds takes the next four message words; from the
// fifth group on they are computed from earlier ones (msg1 and msg2 do the
// sigma functions), two groups ahead of their use.
template <size_t N>
[[gnu::target("sha,sse4.1")]] void compress_lanes(LaneState* const* states,
                                                  const uint8_t* const* data, size_t blocks) {
    const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    for (size_t b = 0; b < blocks; ++b) {
        __m128i abef[N], cdgh[N], w[N][4];
#pragma GCC unroll 4
        for (size_t l = 0; l < N; ++l) {
            abef[l] = states[l]->abef;
            cdgh[l] = states[l]->cdgh;
        }
#pragma GCC unroll 16
        for (size_t i = 0; i < 16; ++i) {
            const __m128i k =
                _mm_load_si128(reinterpret_cast<const __m128i*>(k_sha256_rounds + 4 * i));
#pragma GCC unroll 4
            for (size_t l = 0; l < N; ++l) {
                if (i < 4)
                    w[l][i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(
                                                   data[l] + 64 * b + 16 * i)),
                                               big_endian);
                const __m128i wi = w[l][i % 4];
                const __m128i m = _mm_add_epi32(wi, k);
                cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], m);
                if (i >= 3 && i < 15) { // words of group i + 1, from msg1 of i - 3
                    __m128i& next = w[l][(i + 1) % 4];
                    next = _mm_add_epi32(next, _mm_alignr_epi8(wi, w[l][(i + 3) % 4], 4));
                    next = _mm_sha256msg2_epu32(next, wi);
                }
                abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(m, 0x0e));
                if (i >= 1 && i < 13) // msg1 of group i - 1, for group i + 3
                    w[l][(i + 3) % 4] = _mm_sha256msg1_epu32(w[l][(i + 3) % 4], wi);
            }
        }
#pragma GCC unroll 4
        for (size_t l = 0; l < N; ++l) {
            states[l]->abef = _mm_add_epi32(states[l]->abef, abef[l]);
            states[l]->cdgh = _mm_add_epi32(states[l]->cdgh, cdgh[l]);
        }
    }
}

// One message being hashed: its full blocks in place, then `tail`.
struct Sha256Lane {
    LaneState state;
    const uint8_t* data = nullptr; // the next block
    size_t blocks = 0;             // blocks left from `data` on
    bool in_tail = false;
    size_t tag = 0;
    size_t tail_blocks = 0;
    uint8_t tail[128]; // the last bytes (< 64), 0x80, zeros, the length in bits
};

// Fills `tail` with a message's last `rest` bytes (fewer than 64), the
// padding and the message's `length` in bits; returns its blocks (1 or 2).
size_t pad_message(uint8_t (&tail)[128], const uint8_t* rest, size_t rest_size, uint64_t length) {
    std::memset(tail, 0, sizeof tail);
    if (rest_size > 0)
        std::memcpy(tail, rest, rest_size);
    tail[rest_size] = 0x80;
    const size_t blocks = rest_size < 56 ? 1 : 2;
    const uint64_t bits = length * 8;
    for (size_t i = 0; i < 8; ++i)
        tail[blocks * 64 - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    return blocks;
}

void start_lane(Sha256Lane& lane, std::span<const uint8_t> message, size_t tag) {
    lane.state = lane_initial_state();
    lane.tag = tag;
    const size_t rest = message.size() % 64;
    lane.tail_blocks =
        pad_message(lane.tail, message.data() + (message.size() - rest), rest, message.size());
    lane.data = message.data();
    lane.blocks = message.size() / 64;
    lane.in_tail = false;
    if (lane.blocks == 0) {
        lane.data = lane.tail;
        lane.blocks = lane.tail_blocks;
        lane.in_tail = true;
    }
}

constexpr size_t k_sha256_lanes = 3;

void hash_with_lanes(const Sha256Jobs& jobs) {
    Sha256Lane lanes[k_sha256_lanes];
    bool busy[k_sha256_lanes] = {};
    bool more = true;
    for (;;) {
        for (size_t l = 0; l < k_sha256_lanes && more; ++l) {
            std::span<const uint8_t> message;
            size_t tag = 0;
            if (busy[l])
                continue;
            more = jobs.next(message, tag);
            if (more) {
                start_lane(lanes[l], message, tag);
                busy[l] = true;
            }
        }
        LaneState* states[k_sha256_lanes];
        const uint8_t* data[k_sha256_lanes];
        size_t active[k_sha256_lanes];
        size_t n = 0, blocks = SIZE_MAX;
        for (size_t l = 0; l < k_sha256_lanes; ++l)
            if (busy[l]) {
                states[n] = &lanes[l].state;
                data[n] = lanes[l].data;
                active[n++] = l;
                blocks = std::min(blocks, lanes[l].blocks);
            }
        if (n == 0)
            return;
        if (n == 3)
            compress_lanes<3>(states, data, blocks);
        else if (n == 2)
            compress_lanes<2>(states, data, blocks);
        else
            compress_lanes<1>(states, data, blocks);
        for (size_t i = 0; i < n; ++i) {
            auto& lane = lanes[active[i]];
            lane.blocks -= blocks;
            lane.data += 64 * blocks;
            if (lane.blocks > 0)
                continue;
            if (!lane.in_tail) {
                lane.data = lane.tail;
                lane.blocks = lane.tail_blocks;
                lane.in_tail = true;
            } else {
                jobs.done(lane.tag, lane_digest(lane.state));
                busy[active[i]] = false;
            }
        }
    }
}

const bool k_lanes_usable = cpu_has_sha_ni();

} // namespace

// A stream's state between pieces: the lanes' state, the bytes of a block
// not yet full, and the length so far; or OpenSSL's where the CPU lacks
// SHA-NI.
struct Sha256Stream::Impl {
    LaneState state = lane_initial_state();
    uint8_t block[64];
    size_t filled = 0;
    uint64_t length = 0;
    std::optional<Sha256> openssl;
};

namespace {

// Hashes `blocks` full blocks at the start of each of N streams' bytes.
template <size_t N>
void stream_blocks(Sha256Stream::Impl* const* streams, std::span<const uint8_t>* bytes,
                   size_t blocks) {
    if (blocks == 0)
        return;
    LaneState* states[N];
    const uint8_t* data[N];
    for (size_t i = 0; i < N; ++i) {
        states[i] = &streams[i]->state;
        data[i] = bytes[i].data();
    }
    compress_lanes<N>(states, data, blocks);
    for (size_t i = 0; i < N; ++i)
        bytes[i] = bytes[i].subspan(64 * blocks);
}

// Feeds N streams their bytes: a block left unfinished by the last piece
// first, then the blocks of all N together, then each one's own rest.
template <size_t N>
void update_streams(Sha256Stream::Impl* const* streams, std::span<const uint8_t>* bytes) {
    for (size_t i = 0; i < N; ++i) {
        auto& s = *streams[i];
        s.length += bytes[i].size();
        if (s.filled == 0)
            continue;
        size_t n = std::min(bytes[i].size(), sizeof s.block - s.filled);
        std::memcpy(s.block + s.filled, bytes[i].data(), n);
        s.filled += n;
        bytes[i] = bytes[i].subspan(n);
        if (s.filled == sizeof s.block) {
            std::span<const uint8_t> whole(s.block, sizeof s.block);
            stream_blocks<1>(streams + i, &whole, 1);
            s.filled = 0;
        }
    }
    size_t together = SIZE_MAX;
    for (size_t i = 0; i < N; ++i)
        together = std::min(together, bytes[i].size() / 64);
    stream_blocks<N>(streams, bytes, together);
    for (size_t i = 0; i < N; ++i) {
        stream_blocks<1>(streams + i, bytes + i, bytes[i].size() / 64);
        if (!bytes[i].empty()) {
            std::memcpy(streams[i]->block, bytes[i].data(), bytes[i].size());
            streams[i]->filled = bytes[i].size();
        }
    }
}

Digest finish_stream(Sha256Stream::Impl& s) {
    uint8_t tail[128];
    size_t blocks = pad_message(tail, s.block, s.filled, s.length);
    std::span<const uint8_t> padded(tail, 64 * blocks);
    auto* self = &s;
    stream_blocks<1>(&self, &padded, blocks);
    return lane_digest(s.state).digest();
}

#else

const bool k_lanes_usable = false;
void hash_with_lanes(const Sha256Jobs& jobs) {
    hash_with_openssl(jobs);
}

} // namespace

struct Sha256Stream::Impl {
    std::optional<Sha256> openssl;
};

namespace {

#endif

} // namespace

bool sha256_lanes_available() {
    return k_lanes_usable;
}

void sha256_each(const Sha256Jobs& jobs) {
    if (k_lanes_usable)
        hash_with_lanes(jobs);
    else
        hash_with_openssl(jobs);
}

Sha256Stream::Sha256Stream() : m_impl(std::make_unique<Impl>()) {
    if (!k_lanes_usable)
        m_impl->openssl.emplace();
}

Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;

void Sha256Stream::update(std::span<const uint8_t> bytes) {
    if (m_impl->openssl) {
        m_impl->openssl->update(bytes.data(), bytes.size());
        return;
    }
#if defined(__x86_64__)
    auto* self = m_impl.get();
    update_streams<1>(&self, &bytes);
#endif
}

Digest Sha256Stream::finish() {
    if (m_impl->openssl)
        return m_impl->openssl->finish();
#if defined(__x86_64__)
    return finish_stream(*m_impl);
#else
    return {};
#endif
}

void sha256_update_pair(Sha256Stream& a, std::span<const uint8_t> a_bytes, Sha256Stream& b,
                        std::span<const uint8_t> b_bytes) {
    if (a.m_impl->openssl) {
        a.update(a_bytes);
        b.update(b_bytes);
        return;
    }
#if defined(__x86_64__)
    Sha256Stream::Impl* streams[2] = {a.m_impl.get(), b.m_impl.get()};
    std::span<const uint8_t> bytes[2] = {a_bytes, b_bytes};
    update_streams<2>(streams, bytes);
#endif
}

} // namespace mlci::hash
