#include <algorithm>
#include <mlci/registry/ranges.hpp>

namespace mlci::registry {

std::vector<ByteRange> coalesce_ranges(std::vector<ByteRange> wanted, uint64_t max_gap,
                                       size_t max_requests) {
    std::erase_if(wanted, [](const ByteRange& r) { return r.length == 0; });
    std::sort(wanted.begin(), wanted.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
    std::vector<ByteRange> out;
    for (auto& r : wanted) {
        if (!out.empty() && r.offset <= out.back().end() + max_gap) {
            auto end = std::max(out.back().end(), r.end());
            out.back().length = end - out.back().offset;
        } else {
            out.push_back(r);
        }
    }
    // Too many still: close the smallest gap, one at a time (a pack holds
    // ~512 chunks, so this is cheap).
    max_requests = std::max<size_t>(1, max_requests);
    while (out.size() > max_requests) {
        size_t best = 0;
        for (size_t i = 1; i + 1 < out.size(); ++i)
            if (out[i + 1].offset - out[i].end() < out[best + 1].offset - out[best].end())
                best = i;
        out[best].length = out[best + 1].end() - out[best].offset;
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
    return out;
}

uint64_t range_bytes(const std::vector<ByteRange>& ranges) {
    uint64_t n = 0;
    for (auto& r : ranges)
        n += r.length;
    return n;
}

} // namespace mlci::registry
