// JUnit XML written by any test runner a project uses, and the XML reader
// under it.
#include "fuzz_util.hpp"

#include <mlci/report/junit.hpp>
#include <mlci/report/xml.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    (void)mlci::report::parse_xml(text, "fuzz.xml");
    // The cleaning the writer does always gives valid XML text.
    auto cleaned = mlci::report::xml_text(text);
    MLCI_FUZZ_CHECK(mlci::report::parse_xml("<a>" + cleaned + "</a>", "cleaned"));
    MLCI_FUZZ_CHECK(mlci::report::parse_xml("<a b=\"" + mlci::report::xml_attribute(text) + "\"/>",
                                            "attribute"));

    auto suites = mlci::report::parse_junit(text, "fuzz.xml");
    if (!suites)
        return 0;
    mlci::report::Counts total;
    for (auto& s : *suites) {
        total += s.counts();
        (void)mlci::report::to_json(s).dump();
    }
    // What mlci writes from it reads back with the same counts.
    auto again = mlci::report::parse_junit(mlci::report::write_junit(*suites, "fuzz"), "again");
    MLCI_FUZZ_CHECK(again);
    mlci::report::Counts total_again;
    for (auto& s : *again)
        total_again += s.counts();
    MLCI_FUZZ_CHECK(total_again.tests == total.tests && total_again.failures == total.failures &&
                    total_again.errors == total.errors && total_again.skipped == total.skipped);
    return 0;
}
