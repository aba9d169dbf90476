#include <mlci/oci/image.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::oci {

Result<Image> put_image(store::Store& store, const BaseImage& base, const ImageSpec& spec) {
    Image image;
    image.config = apply_changes(base.config, spec.changes);
    set_created(image.config, spec.created);
    for (auto& l : spec.layers)
        add_layer(image.config, l.layer.diff_id, spec.created, l.created_by, l.comment);
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(image.config), store::k_oci_config));

    auto& m = image.doc;
    m.media_type = store::k_oci_manifest;
    m.artifact_type = spec.artifact_type;
    m.config = config;
    m.layers = base.layers;
    for (auto& l : spec.layers)
        m.layers.push_back(l.layer.blob);
    m.annotations = spec.annotations;
    for (auto& l : base.layers)
        store.freshen(l.digest); // gc's grace: the base's blobs are about to be named
    MLCI_TRY_ASSIGN(manifest, store.put_manifest(m));
    image.manifest = manifest;
    return image;
}

} // namespace mlci::oci
