// DSSE envelopes: signatures pulled as referrers from any registry.
#include "fuzz_util.hpp"

#include <mlci/sign/dsse.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    if (auto raw = mlci::sign::base64_decode(text)) {
        auto again = mlci::sign::base64_decode(mlci::sign::base64_encode(*raw));
        MLCI_FUZZ_CHECK(again && *again == *raw);
    }
    auto e = mlci::sign::parse_envelope(text, "fuzz");
    if (!e)
        return 0;
    (void)mlci::sign::pae(e->payload_type, e->payload);
    auto again = mlci::sign::parse_envelope(mlci::sign::to_json(*e).dump(), "again");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->payload_type == e->payload_type && again->payload == e->payload &&
                    again->signatures.size() == e->signatures.size());
    return 0;
}
