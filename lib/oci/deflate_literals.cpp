#include <algorithm>
#include <cstring>
#include <mlci/oci/deflate_literals.hpp>
#include <vector>

namespace mlci::oci {

namespace {

constexpr int k_litlen_symbols = 257; // 256 literals and end of block; no lengths
constexpr int k_end_of_block = 256;
constexpr int k_max_bits = 15;        // RFC 1951's longest literal/length code
constexpr int k_max_codelen_bits = 7; // and longest code-length code
// The order the code-length code's lengths are sent in (RFC 1951 3.2.7).
constexpr std::array<uint8_t, 19> k_codelen_order = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                     11, 4,  12, 3, 13, 2, 14, 1, 15};

// Huffman code lengths for `freq` no longer than `max_bits`: a Huffman tree
// built from two queues (symbols sorted by frequency, then by value, so the
// result is the same everywhere); when too deep, the frequencies are halved
// (a used symbol stays used) and the tree is built again. A code of one used
// symbol gets a second one so that it is complete, as inflaters require.
template <size_t N>
std::array<uint8_t, N> literal_code_lengths(std::array<uint64_t, N> freq, int max_bits) {
    std::array<uint8_t, N> len{};
    for (;;) {
        std::vector<int> leaves;
        for (int s = 0; s < static_cast<int>(N); ++s)
            if (freq[s] > 0)
                leaves.push_back(s);
        len.fill(0);
        if (leaves.size() < 2) {
            int used = leaves.empty() ? 0 : leaves[0];
            len[used] = 1;
            len[used == 0 ? 1 : 0] = 1;
            return len;
        }
        std::stable_sort(leaves.begin(), leaves.end(),
                         [&](int a, int b) { return freq[a] < freq[b]; });
        // Nodes: leaves 0..n-1 (in sorted order), then internal ones as made.
        size_t n = leaves.size();
        std::vector<uint64_t> weight(2 * n - 1);
        std::vector<size_t> parent(2 * n - 1, 0);
        for (size_t i = 0; i < n; ++i)
            weight[i] = freq[leaves[i]];
        size_t next_leaf = 0, next_inner = n, made = n;
        auto take = [&] {
            bool leaf =
                next_leaf < n && (next_inner >= made || weight[next_leaf] <= weight[next_inner]);
            return leaf ? next_leaf++ : next_inner++;
        };
        for (; made < 2 * n - 1; ++made) {
            size_t a = take(), b = take();
            weight[made] = weight[a] + weight[b];
            parent[a] = parent[b] = made;
        }
        std::vector<int> depth(2 * n - 1, 0);
        int deepest = 0;
        for (size_t i = 2 * n - 2; i-- > 0;) {
            depth[i] = depth[parent[i]] + 1;
            deepest = std::max(deepest, depth[i]);
        }
        if (deepest <= max_bits) {
            for (size_t i = 0; i < n; ++i)
                len[leaves[i]] = static_cast<uint8_t>(depth[i]);
            return len;
        }
        for (auto& f : freq)
            f = f ? (f + 1) / 2 : 0;
    }
}

// Canonical codes (RFC 1951 3.2.2), bit-reversed: deflate sends a code's
// bits from its most significant, into a stream filled from the least.
template <size_t N>
std::array<uint16_t, N> canonical_codes(const std::array<uint8_t, N>& len) {
    std::array<int, k_max_bits + 2> count{}, next{};
    for (auto l : len)
        ++count[l];
    count[0] = 0;
    for (int bits = 1, code = 0; bits <= k_max_bits + 1; ++bits) {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    std::array<uint16_t, N> codes{};
    for (size_t s = 0; s < N; ++s) {
        if (len[s] == 0)
            continue;
        unsigned code = static_cast<unsigned>(next[len[s]]++), reversed = 0;
        for (int i = 0; i < len[s]; ++i)
            reversed |= ((code >> i) & 1u) << (len[s] - 1 - i);
        codes[s] = static_cast<uint16_t>(reversed);
    }
    return codes;
}

struct CodelenSymbol {
    uint8_t symbol; // 0-15 a length, 16 repeat the last, 17/18 repeat zero
    uint8_t extra;  // the repeat count's extra bits
};

// The block header after BFINAL/BTYPE: the code lengths, run-length coded.
struct LiteralHeader {
    std::array<uint8_t, 259> lengths{}; // literal/length code, then the two distance codes
    std::vector<CodelenSymbol> symbols;
    std::array<uint8_t, 19> codelen_lengths{};
    int hclen = 4; // code-length code lengths sent
    uint64_t bits = 0;
};

constexpr std::array<int, 19> k_extra_bits = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0, 0, 0, 0, 0, 0, 2, 3, 7};

LiteralHeader literal_header(const std::array<uint8_t, 257>& litlen) {
    LiteralHeader h;
    std::copy(litlen.begin(), litlen.end(), h.lengths.begin());
    // No distance is ever sent, but a decoder wants a distance code: two of
    // one bit, complete, as zlib writes for a block without matches.
    h.lengths[257] = h.lengths[258] = 1;
    auto emit = [&](int symbol, int extra) {
        h.symbols.push_back({static_cast<uint8_t>(symbol), static_cast<uint8_t>(extra)});
    };
    for (size_t i = 0; i < h.lengths.size();) {
        int value = h.lengths[i];
        size_t run = 1;
        while (i + run < h.lengths.size() && h.lengths[i + run] == value)
            ++run;
        i += run;
        if (value == 0) {
            for (; run >= 11; run -= std::min<size_t>(run, 138))
                emit(18, static_cast<int>(std::min<size_t>(run, 138) - 11));
            if (run >= 3) {
                emit(17, static_cast<int>(run - 3));
                run = 0;
            }
        } else {
            emit(value, 0);
            --run;
            for (; run >= 3; run -= std::min<size_t>(run, 6))
                emit(16, static_cast<int>(std::min<size_t>(run, 6) - 3));
        }
        for (; run > 0; --run)
            emit(value, 0);
    }
    std::array<uint64_t, 19> freq{};
    for (auto& s : h.symbols)
        ++freq[s.symbol];
    h.codelen_lengths = literal_code_lengths(freq, k_max_codelen_bits);
    for (int i = 0; i < 19; ++i)
        if (h.codelen_lengths[k_codelen_order[i]] != 0)
            h.hclen = std::max(h.hclen, i + 1);
    h.bits = 3 + 5 + 5 + 4 + 3 * static_cast<uint64_t>(h.hclen);
    for (auto& s : h.symbols)
        h.bits += h.codelen_lengths[s.symbol] + k_extra_bits[s.symbol];
    return h;
}

// Bits into bytes, least significant first; `out` has room for every byte
// the caller computed plus 8.
class LiteralBitWriter {
public:
    explicit LiteralBitWriter(unsigned char* out) : m_out(out), m_start(out) {}
    void put(uint32_t bits, int count) {
        m_buf |= static_cast<uint64_t>(bits) << m_count;
        m_count += count;
        if (m_count >= 32) {
            uint32_t word = static_cast<uint32_t>(m_buf);
            for (int i = 0; i < 4; ++i)
                m_out[i] = static_cast<unsigned char>(word >> (8 * i));
            m_out += 4;
            m_buf >>= 32;
            m_count -= 32;
        }
    }
    size_t finish() {
        for (; m_count > 0; m_count -= std::min(m_count, 8)) {
            *m_out++ = static_cast<unsigned char>(m_buf);
            m_buf >>= 8;
        }
        return static_cast<size_t>(m_out - m_start);
    }

private:
    unsigned char* m_out;
    unsigned char* m_start;
    uint64_t m_buf = 0;
    int m_count = 0;
};

} // namespace

LiteralCode fit_literal_code(const unsigned char* in, size_t size) {
    // Four histograms side by side: consecutive bytes do not wait on one counter.
    std::array<std::array<uint64_t, 256>, 4> parts{};
    size_t i = 0;
    for (; i + 4 <= size; i += 4)
        for (int k = 0; k < 4; ++k)
            ++parts[k][in[i + k]];
    for (; i < size; ++i)
        ++parts[0][in[i]];
    std::array<uint64_t, k_litlen_symbols> freq{};
    for (int b = 0; b < 256; ++b)
        freq[b] = parts[0][b] + parts[1][b] + parts[2][b] + parts[3][b];
    freq[k_end_of_block] = 1;
    LiteralCode code;
    code.lengths = literal_code_lengths(freq, k_max_bits);
    code.bits = literal_header(code.lengths).bits + code.lengths[k_end_of_block];
    for (int b = 0; b < 256; ++b)
        code.bits += freq[b] * code.lengths[b];
    return code;
}

size_t write_literals(const LiteralCode& code, const unsigned char* in, size_t size,
                      unsigned char* out) {
    auto header = literal_header(code.lengths);
    LiteralBitWriter w(out);
    w.put(1, 1); // BFINAL: the last block
    w.put(2, 2); // BTYPE: dynamic Huffman codes
    w.put(k_litlen_symbols - 257, 5);
    w.put(2 - 1, 5); // two distance codes
    w.put(static_cast<uint32_t>(header.hclen - 4), 4);
    for (int i = 0; i < header.hclen; ++i)
        w.put(header.codelen_lengths[k_codelen_order[i]], 3);
    auto codelen_codes = canonical_codes(header.codelen_lengths);
    for (auto& s : header.symbols) {
        w.put(codelen_codes[s.symbol], header.codelen_lengths[s.symbol]);
        if (k_extra_bits[s.symbol])
            w.put(s.extra, k_extra_bits[s.symbol]);
    }
    auto codes = canonical_codes(code.lengths);
    // One table lookup a byte: the code in the low bits, its length above.
    std::array<uint32_t, 256> table{};
    for (int b = 0; b < 256; ++b)
        table[b] = codes[b] | (static_cast<uint32_t>(code.lengths[b]) << 16);
    for (size_t i = 0; i < size; ++i) {
        uint32_t t = table[in[i]];
        w.put(t & 0xffff, static_cast<int>(t >> 16));
    }
    w.put(codes[k_end_of_block], code.lengths[k_end_of_block]);
    return w.finish();
}

} // namespace mlci::oci
