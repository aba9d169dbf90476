// Literal-only deflate blocks: every inflater must read them back exactly.
#include <catch2/catch.hpp>
#include <cstring>
#include <libdeflate.h>
#include <mlci/oci/deflate_literals.hpp>
#include <random>
#include <string>
#include <vector>
#include <zlib.h>

using namespace mlci::oci;

namespace {

// Encodes `in`, then decodes it with libdeflate and with zlib.
void round_trip(const std::string& in) {
    auto* data = reinterpret_cast<const unsigned char*>(in.data());
    auto code = fit_literal_code(data, in.size());
    std::vector<unsigned char> out(code.bytes() + 8);
    size_t n = write_literals(code, data, in.size(), out.data());
    REQUIRE(n == code.bytes());
    int longest = 0;
    for (auto l : code.lengths)
        longest = std::max<int>(longest, l);
    CHECK(longest <= 15);

    std::string back(in.size(), '\0');
    auto* d = libdeflate_alloc_decompressor();
    size_t got = 0;
    auto r = libdeflate_deflate_decompress(d, out.data(), n, back.data(), back.size(), &got);
    libdeflate_free_decompressor(d);
    REQUIRE(r == LIBDEFLATE_SUCCESS);
    CHECK(got == in.size());
    CHECK(back == in);

    z_stream z{};
    REQUIRE(inflateInit2(&z, -15) == Z_OK);
    std::string zback(in.size() + 1, '\0');
    z.next_in = out.data();
    z.avail_in = static_cast<uInt>(n);
    z.next_out = reinterpret_cast<Bytef*>(zback.data());
    z.avail_out = static_cast<uInt>(zback.size());
    int zr = inflate(&z, Z_FINISH);
    size_t zgot = z.total_out;
    inflateEnd(&z);
    CHECK(zr == Z_STREAM_END);
    zback.resize(zgot);
    CHECK(zback == in);
}

} // namespace

TEST_CASE("deflate literals: any bytes round-trip through libdeflate and zlib", "[oci]") {
    round_trip("x");
    round_trip("ab");
    round_trip(std::string(70000, '\0')); // one symbol and end of block
    std::mt19937 rng(7);
    std::string random(1 << 20, '\0');
    for (auto& c : random)
        c = static_cast<char>(rng());
    round_trip(random); // every byte value
    // Float32 weights: skewed exponents, random mantissas.
    std::normal_distribution<float> normal;
    std::string weights(1 << 20, '\0');
    for (size_t i = 0; i < weights.size(); i += 4) {
        float f = normal(rng);
        std::memcpy(weights.data() + i, &f, 4);
    }
    round_trip(weights);
    auto w = reinterpret_cast<const unsigned char*>(weights.data());
    CHECK(fit_literal_code(w, weights.size()).bytes() < weights.size() * 95 / 100);
    // Frequencies like Fibonacci's: a Huffman tree deeper than deflate's
    // 15 bits, which the code must be limited to.
    std::string skewed;
    for (uint64_t a = 1, b = 1, sym = 0; sym < 28; ++sym) {
        skewed.append(a, static_cast<char>(sym));
        b = a + b;
        a = b - a;
    }
    round_trip(skewed);
}
