// Pointer files (PATH.mlci), committed to git and so written by anyone.
#include "fuzz_util.hpp"

#include <mlci/data/pointer.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    auto p = mlci::data::parse_pointer(text, "fuzz/data.csv.mlci");
    if (!p)
        return 0;
    // What was accepted writes back to a file that reads the same.
    auto again = mlci::data::parse_pointer(mlci::data::serialize_pointer(*p), "again.mlci");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->path == p->path && again->tree == p->tree && again->files == p->files &&
                    again->size == p->size);
    return 0;
}
