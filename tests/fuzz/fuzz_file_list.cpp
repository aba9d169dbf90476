// File list blobs (simdjson): a dataset's or a run output's files, pulled
// from registries and checked out onto disk, so paths must stay inside.
#include "fuzz_util.hpp"

#include <mlci/store/file_list.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto files = mlci::store::parse_file_list(mlci::fuzz::as_text(data, size), "fuzz");
    if (!files)
        return 0;
    for (auto& f : *files)
        MLCI_FUZZ_CHECK(mlci::store::is_safe_relative_path(f.path));
    auto bytes = mlci::store::serialize_file_list(*files);
    auto again = mlci::store::parse_file_list(bytes, "again");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->size() == files->size());
    for (size_t i = 0; i < files->size(); ++i)
        MLCI_FUZZ_CHECK(
            (*again)[i].path == (*files)[i].path && (*again)[i].size == (*files)[i].size &&
            (*again)[i].mode == (*files)[i].mode && (*again)[i].digest == (*files)[i].digest &&
            (*again)[i].chunk_lists == (*files)[i].chunk_lists);
    return 0;
}
