// Deployment files in a GitOps repository (Kubernetes objects,
// kustomizations, Helm values) edited to pin an image by digest.
#include "fuzz_util.hpp"

#include <mlci/deploy/yaml_image_edit.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    // The first byte picks --values-key, as an environment's values_key does.
    static const char* const keys[] = {"", "image", "model.image", "a.b.c"};
    std::string_view values_key = keys[data[0] % 4];
    auto text = mlci::fuzz::as_text(data + 1, size - 1);
    mlci::deploy::ImagePin pin{"registry.example.com/team/iris", "sha256:" + std::string(64, 'a')};
    auto r = mlci::deploy::pin_image_in_yaml(text, pin, values_key, "fuzz.yaml");
    if (!r)
        return 0;
    MLCI_FUZZ_CHECK(r->changed == (r->text != text));
    if (!r->changed)
        return 0;
    // The edited file is still YAML, and pinning the same digest again
    // finds the same images and changes nothing.
    auto again = mlci::deploy::pin_image_in_yaml(r->text, pin, values_key, "again.yaml");
    MLCI_FUZZ_CHECK(again);
    MLCI_FUZZ_CHECK(!again->changed);
    return 0;
}
