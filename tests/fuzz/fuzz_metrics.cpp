// Metrics files a training script writes (JSON, or YAML by extension):
// huge, negative, NaN and infinite numbers, deep nesting, odd keys.
#include "fuzz_util.hpp"

#include <cmath>
#include <mlci/train/metrics.hpp>

namespace {

const mlci::fuzz::ScratchDir& scratch() {
    static mlci::fuzz::ScratchDir dir("metrics");
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    // The first byte picks the format, as the file's extension does.
    auto file = scratch().path() / ((data[0] & 1) ? "metrics.yaml" : "metrics.json");
    {
        FILE* f = std::fopen(file.c_str(), "wb");
        MLCI_FUZZ_CHECK(f);
        MLCI_FUZZ_CHECK(std::fwrite(data + 1, 1, size - 1, f) == size - 1);
        std::fclose(f);
    }
    auto doc = mlci::train::read_metrics_file(file);
    if (!doc)
        return 0;
    auto metrics = mlci::train::flatten_metrics(*doc);
    for (auto& [name, v] : metrics) {
        MLCI_FUZZ_CHECK(std::isfinite(v));
        // The text of a number reads back as the number.
        auto text = mlci::train::format_number(v);
        MLCI_FUZZ_CHECK(std::strtod(text.c_str(), nullptr) == v);
        (void)mlci::train::format_change(v);
    }
    auto baseline = metrics;
    for (auto& [name, v] : baseline)
        v = -v / 3;
    for (auto& c : mlci::train::diff_metrics(baseline, metrics))
        if (auto d = c.change())
            (void)mlci::train::format_change(*d);
    return 0;
}
