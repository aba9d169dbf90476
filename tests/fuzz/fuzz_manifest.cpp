// OCI image manifests: read from the store, from oci: layouts and from
// registries.
#include "fuzz_util.hpp"

#include <mlci/store/descriptor.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto m = mlci::store::parse_manifest(mlci::fuzz::as_text(data, size), "fuzz");
    if (!m)
        return 0;
    // The canonical bytes of what was read parse back to the same manifest.
    auto bytes = mlci::store::canonical(mlci::store::to_json(*m));
    auto again = mlci::store::parse_manifest(bytes, "again");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->config.digest == m->config.digest &&
                    again->layers.size() == m->layers.size() &&
                    again->annotations == m->annotations);
    MLCI_FUZZ_CHECK(mlci::store::canonical(mlci::store::to_json(*again)) == bytes);
    return 0;
}
