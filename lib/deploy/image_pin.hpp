// An image pinned by digest, and the parts of an image reference a deploy edits.
#pragma once

#include <string>
#include <string_view>

namespace mlci::deploy {

struct ImagePin {
    std::string repository; // "registry.example.com/team/iris", "localhost:5000/iris"
    std::string digest;     // "sha256:<hex>"

    // "REPOSITORY@DIGEST", the reference a manifest ends up with.
    std::string reference() const { return repository + "@" + digest; }
};

// Returns the repository of an image reference: the text before ":TAG" and
// "@DIGEST" ("localhost:5000/x:1.0@sha256:..." gives "localhost:5000/x"; a
// colon before the last slash belongs to a registry port, not a tag).
std::string_view image_repository(std::string_view image);

} // namespace mlci::deploy
