// A pack's index and trailer (binary): read from packs pulled from
// registries, and from the store when the chunk index is rebuilt.
#include "fuzz_util.hpp"

#include <mlci/store/pack.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto tail = mlci::fuzz::as_text(data, size);
    // The pack claims a little chunk data in front of its index; the first
    // input byte says how much.
    uint64_t pack_size = size + (size ? data[0] * 64u : 0);
    auto entries = mlci::store::parse_pack_index(tail, pack_size, "fuzz");
    if (!entries)
        return 0;
    uint64_t data_end = pack_size - tail.size();
    uint64_t next = 0;
    for (auto& e : *entries) {
        MLCI_FUZZ_CHECK(e.length > 0 && e.offset >= next && e.offset + e.length <= data_end);
        next = e.offset + e.length;
    }
    auto again = mlci::store::serialize_pack_index(*entries);
    MLCI_FUZZ_CHECK(again == tail);
    return 0;
}
