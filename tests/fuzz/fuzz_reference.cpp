// References given on the command line or piped in: local (NAME[:TAG][@DIGEST],
// digests, short digests, "-") and remote (HOST[:PORT]/REPO..., oci:PATH...).
#include "fuzz_util.hpp"

#include <mlci/deploy/image_pin.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/store/reference.hpp>
#include <sstream>

namespace {

// A store with a few tagged artifacts to resolve against.
mlci::store::Store& store() {
    static mlci::fuzz::ScratchDir dir("reference");
    static auto s = [] {
        auto s = mlci::store::Store::init(dir.path() / ".mlci");
        if (!s)
            std::abort();
        mlci::store::Manifest m;
        m.artifact_type = "application/vnd.mlci.dataset.v1+json";
        auto config = s->put_blob("{}", "application/vnd.oci.empty.v1+json");
        if (!config)
            std::abort();
        m.config = *config;
        for (auto* tag : {"iris:v1", "iris:latest", "model:v2", "a/b.c-d_e:v1"}) {
            m.annotations["n"] = tag; // a different manifest each time
            auto d = s->put_manifest(m);
            if (!d || !s->add_to_index(*d, {tag}))
                std::abort();
        }
        return std::move(*s);
    }();
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);
    auto& s = store();

    std::istringstream in{std::string(text)};
    if (auto line = mlci::store::read_reference(in))
        MLCI_FUZZ_CHECK(!line->empty());
    std::istringstream piped{std::string(text)};
    if (auto e = mlci::store::resolve(s, text, piped))
        (void)mlci::store::display_name(*e);
    (void)mlci::store::is_remote_reference(text);
    (void)mlci::store::validate_tag(text);
    if (auto d = mlci::hash::Digest::parse(text))
        MLCI_FUZZ_CHECK(d->str() == text);

    (void)mlci::registry::looks_remote(text);
    (void)mlci::registry::is_loopback_host(text);
    (void)mlci::deploy::image_repository(text);
    auto r = mlci::registry::parse_remote(text);
    if (!r)
        return 0;
    (void)mlci::registry::default_local_tag(*r);
    (void)r->location();
    (void)r->pinned(mlci::hash::sha256_of(""));
    // What parsed gives back text that parses to the same reference.
    auto again = mlci::registry::parse_remote(r->str());
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(again->kind == r->kind && again->host == r->host &&
                    again->repository == r->repository && again->path == r->path &&
                    again->tag == r->tag && again->digest == r->digest);
    return 0;
}
