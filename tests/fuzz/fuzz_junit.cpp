// JUnit XML written by any test runner a project uses, and the XML reader
// under it.
#include "fuzz_util.hpp"

#include <mlci/junit/junit.hpp>
#include <mlci/junit/xml.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    (void)mlci::junit::parse_xml(text, "fuzz.xml");
    // The cleaning the writer does always gives valid XML text.
    auto cleaned = mlci::junit::xml_text(text);
    MLCI_FUZZ_CHECK(mlci::junit::parse_xml("<a>" + cleaned + "</a>", "cleaned"));
    MLCI_FUZZ_CHECK(
        mlci::junit::parse_xml("<a b=\"" + mlci::junit::xml_attribute(text) + "\"/>", "attribute"));

    auto suites = mlci::junit::parse_junit(text, "fuzz.xml");
    if (!suites)
        return 0;
    mlci::junit::Counts total;
    for (auto& s : *suites) {
        total += s.counts();
        (void)mlci::junit::to_json(s).dump();
    }
    // What mlci writes from it reads back with the same counts.
    auto again = mlci::junit::parse_junit(mlci::junit::write_junit(*suites, "fuzz"), "again");
    MLCI_FUZZ_CHECK(again);
    mlci::junit::Counts total_again;
    for (auto& s : *again)
        total_again += s.counts();
    MLCI_FUZZ_CHECK(total_again.tests == total.tests && total_again.failures == total.failures &&
                    total_again.errors == total.errors && total_again.skipped == total.skipped);
    return 0;
}
