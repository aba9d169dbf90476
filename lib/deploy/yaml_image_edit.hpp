// Pins an image by digest in the text of a YAML file, leaving every byte
// outside the edited scalars as it was (comments, quotes, order, indentation).
#pragma once

#include <mlci/core/error.hpp>
#include <mlci/deploy/image_pin.hpp>
#include <string>
#include <string_view>

namespace mlci::deploy {

struct YamlPinResult {
    std::string text;           // the edited text (the input itself when nothing changed)
    int matches = 0;            // images or image blocks that name the repository
    bool changed = false;       // text differs from the input
    std::string previous_image; // the first match before the edit: "REPO:TAG", "REPO@DIGEST"
};

// Pins `pin` in every document of `text` (a multi-document file too):
//  - Kubernetes objects (any `kind`): each `image` of `containers`,
//    `initContainers` and `ephemeralContainers` lists, wherever they are nested
//    (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, Rollout...), whose
//    repository equals pin.repository becomes "REPO@DIGEST" (a tag is dropped);
//    and each `storageUri: oci://IMAGE` (KServe's InferenceService, a model
//    in a modelcar image), wherever nested, becomes "oci://REPO@DIGEST";
//  - kustomizations: each `images:` entry whose image (`newName` when present,
//    else `name`) equals the repository gets `digest:`, added when missing;
//    `newTag` is removed since the digest pins the image;
//  - Helm values (documents without `kind`): the mapping at the dotted
//    `values_key` ("image", "model.image"), or when that is empty every mapping
//    whose `repository` (prefixed by `registry/` when it has one) equals the
//    repository, gets `digest:`, added or updated. A `tag` is left in place:
//    charts that support `digest` render "REPO:TAG@DIGEST", which resolves by
//    digest, and removing it would make many charts fall back to the chart's
//    appVersion. A scalar at `values_key` is edited like a container image.
// Matches nothing is not an error here (`matches` is 0); a malformed file, or
// a match the edit cannot reach (a block scalar), is a usage error naming `name`.
Result<YamlPinResult> pin_image_in_yaml(std::string_view text, const ImagePin& pin,
                                        std::string_view values_key, std::string_view name);

} // namespace mlci::deploy
