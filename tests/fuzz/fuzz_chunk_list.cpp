// Chunk lists (simdjson): pulled from registries, and they say where in
// which pack to read a file's bytes, so every chunk must lie in its pack.
#include "fuzz_util.hpp"

#include <mlci/store/chunk_list.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto list = mlci::store::parse_chunk_list(mlci::fuzz::as_text(data, size), "fuzz");
    if (!list)
        return 0;
    for (auto& c : list->chunks) {
        MLCI_FUZZ_CHECK(c.pack < list->packs.size());
        auto& p = list->packs[c.pack];
        MLCI_FUZZ_CHECK(c.length > 0 && c.offset <= p.size && c.length <= p.size - c.offset);
    }
    auto again = mlci::store::parse_chunk_list(mlci::store::serialize_chunk_list(*list), "again");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->packs == list->packs);
    MLCI_FUZZ_CHECK(again->chunks.size() == list->chunks.size());
    for (size_t i = 0; i < list->chunks.size(); ++i)
        MLCI_FUZZ_CHECK(again->chunks[i].id == list->chunks[i].id &&
                        again->chunks[i].offset == list->chunks[i].offset &&
                        again->chunks[i].length == list->chunks[i].length &&
                        again->chunks[i].pack == list->chunks[i].pack);
    return 0;
}
