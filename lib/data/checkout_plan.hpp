// Planning `mlci data-version checkout`: what it will write and remove in
// each root of a version, decided before anything is written, and refused when
// a change whose content is neither recorded nor in the store would be lost.
// Internal to lib/data: checkout.cpp applies the plans.
#pragma once

#include <mlci/data/workspace.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlci::data {

// Everything checkout will do to one root, decided before anything is written.
struct RootPlan {
    VersionRoot root;
    fs::path dest;                       // the folder the root goes in
    std::string prefix;                  // how paths under `dest` are shown
    fs::path pointer_file;               // rewritten at the end; empty with --to
    std::vector<store::FileEntry> files; // the version's
    std::vector<size_t> writes;          // indexes into `files`
    std::vector<std::string> removals;   // relative to `dest`: recorded, not in the version
    std::vector<std::string> extras;     // relative to `dest`: in neither version
    std::vector<std::string> lost;       // shown paths of changes the store does not have
    uint64_t unchanged = 0;
    // With checkout PATH...: the globs over `files` paths that select what is
    // restored (store/partial.hpp); nothing else is written or removed.
    std::vector<std::string> selected;
    std::vector<size_t> selected_by; // the PATH argument each glob came from
    bool in_part = false;
};

// The first plan of each root, with where it goes; no two roots may land on one path.
Result<std::vector<RootPlan>> destinations(const ResolvedVersion& version,
                                           const std::optional<fs::path>& to,
                                           const fs::path& project);

// checkout REF PATH...: marks every plan as in part and gives it the globs of
// the PATH arguments that lie in its folder.
Status select_paths(std::vector<RootPlan>& plans, const CheckoutOptions& options,
                    const std::string& label);

// Reads the root's workspace and decides every write and removal.
Result<RootPlan> plan_root(const store::Store& store, RootPlan plan, const std::string& label,
                           StatCaches& caches, unsigned jobs, const Reporter& reporter);

// With PATH...: each one selects at least one file of the version.
Status check_selected(const std::vector<RootPlan>& plans, const CheckoutOptions& options,
                      const std::string& label);

// A usage error listing the changes the plans would lose, if any.
Status refuse_losses(const std::vector<RootPlan>& plans);

} // namespace mlci::data
