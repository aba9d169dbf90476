// index.json of a store or an oci: layout (anyone can hand mlci a layout),
// and a blob that a digest reference names.
#include "fuzz_util.hpp"

#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <sstream>

namespace {

mlci::store::Store& store() {
    static mlci::fuzz::ScratchDir dir("index");
    static auto s = mlci::store::Store::init(dir.path() / ".mlci");
    if (!s)
        std::abort();
    return *s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    auto& s = store();
    // The input as index.json, no fsync: thousands of these a second.
    MLCI_FUZZ_CHECK(mlci::write_file_atomic(s.root() / "index.json", text, false));
    auto entries = s.entries();
    // The input as a blob that a digest reference reads when the index does
    // not list it.
    auto blob = s.put_blob(text, "application/octet-stream");
    MLCI_FUZZ_CHECK(blob);
    std::istringstream in("iris:v1\n");
    std::vector<std::string> refs{"iris",
                                  "iris:v1",
                                  "-",
                                  "0123abc",
                                  "sha256:0123abcd",
                                  blob->digest.str(),
                                  "iris@" + blob->digest.str()};
    for (auto& ref : refs) {
        auto e = mlci::store::resolve(s, ref, in);
        if (e)
            (void)mlci::store::display_name(*e);
    }
    if (entries)
        for (auto& e : *entries) {
            (void)mlci::store::display_name(e);
            std::istringstream none;
            (void)mlci::store::resolve(s, e.tag.empty() ? e.descriptor.digest.str() : e.tag, none);
        }
    // Keep the store small: the blob goes, the next input brings its own.
    std::error_code ec;
    std::filesystem::remove(s.blob_path(blob->digest), ec);
    return 0;
}
