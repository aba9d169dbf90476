// The gitops deploy target: pins an image by digest in manifests kept in a git
// repository (the ArgoCD/Flux way) and pushes the commit, retrying when
// someone else pushed first.
#pragma once

#include <filesystem>
#include <functional>
#include <mlci/core/error.hpp>
#include <mlci/deploy/image_pin.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::deploy {

struct GitopsTarget {
    std::string url; // file:///path/repo.git, /path/repo.git, git://host/repo, https://...
    std::vector<std::string> files; // paths inside the repository
    std::string branch;             // empty: the remote's default branch (its HEAD)
    std::string values_key;         // Helm values: dotted key of the image block; empty: any block
};

// Parses "REPO_URL#FILE[,FILE...]" (the text after "gitops:"); a usage error when malformed.
Result<GitopsTarget> parse_gitops_target(std::string_view spec);

struct GitopsOptions {
    // A persistent clone cache the caller gives; each repository gets a bare
    // clone in a folder of its own below it, locked while a deploy uses it.
    std::filesystem::path work_dir;
    std::string message;                   // the commit message
    std::string author_name, author_email; // empty: GIT_AUTHOR_NAME/EMAIL, else git config,
                                           // else "mlci" <mlci@localhost>
    int max_attempts = 5;                  // pushes tried before giving up
    std::function<void()> before_push;     // test hook: called before each push attempt
};

struct GitopsResult {
    bool changed = false;       // a commit was pushed
    std::string commit;         // the commit pushed, else the branch head that already pins it
    std::string previous_image; // the image the first file named before: "REPO:TAG", "REPO@DIGEST"
    int attempts = 0;           // pushes tried (0 when the files already pinned the image)
    std::vector<std::string> files_changed;
};

// Fetches the branch of target.url, pins `pin` in each of target.files (see
// pin_image_in_yaml), commits and pushes; no commit when every file already
// pins it. A missing file, or one that names no such image, is a usage error.
// A push refused because the branch moved is redone on the new head (fetch,
// edit again, commit, push) up to max_attempts times, with a short backoff;
// a push refused for another reason (a hook) is a runtime error at once.
Result<GitopsResult> gitops_deploy(const GitopsTarget& target, const ImagePin& pin,
                                   const GitopsOptions& options);

} // namespace mlci::deploy
