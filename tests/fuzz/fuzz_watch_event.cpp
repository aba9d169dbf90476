// Inference events, one JSON object a line, as `mlci watch` reads them from a
// log or a pipe: anything a producer or a broken pipe can write.
#include "fuzz_util.hpp"

#include <cmath>
#include <mlci/watch/event.hpp>
#include <string>

namespace {

mlci::watch::EventParser& parser() {
    static mlci::watch::EventParser p({}, {"age", "city", "income", "a\"b", ""});
    return p;
}

void check_event(const mlci::watch::Event& e) {
    MLCI_FUZZ_CHECK(e.features.size() == parser().feature_names().size());
    if (e.ts)
        MLCI_FUZZ_CHECK(std::isfinite(*e.ts));
    for (auto& v : e.features)
        if (v.kind == mlci::watch::Value::Kind::number)
            MLCI_FUZZ_CHECK(std::isfinite(v.number));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    // The input as it would be read: split into lines, each parsed twice, in
    // place in a padded buffer (the reader's path) and copied (parse_copy).
    std::string buffer(text);
    buffer.append(mlci::watch::EventParser::padding(), '\0');
    mlci::watch::Event in_place, copied;
    size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line(buffer.data() + start, end - start);
        auto why = parser().parse(line, in_place);
        check_event(in_place);
        std::string copy_why = parser().parse_copy(line, copied);
        check_event(copied);
        // Where the line lies must not change what it means.
        MLCI_FUZZ_CHECK(why == copy_why);
        if (why.empty()) {
            MLCI_FUZZ_CHECK(in_place.ts == copied.ts);
            MLCI_FUZZ_CHECK(in_place.unknown_features == copied.unknown_features);
        }
        start = end + 1;
    }
    // Timestamps on their own: never a NaN or an infinity.
    if (auto ts = mlci::watch::parse_timestamp(text))
        MLCI_FUZZ_CHECK(std::isfinite(*ts));
    return 0;
}
