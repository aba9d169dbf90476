// Deleting and keeping: removing tags (untag, rm) and the retention rule of
// gc --keep-last. Removing a tag deletes nothing: the artifact's blobs stay
// until gc finds that nothing reaches them.
#pragma once

#include <functional>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mlci::store {

// The NAME of a tag "NAME:TAG" (the whole text when it has no ':').
std::string_view tag_name(std::string_view tag);

// Removes each of `tags` ("NAME:TAG") in one atomic update of the index; a
// usage error, and nothing removed, when one of them is not in the store.
Status untag(Store& store, const std::vector<std::string>& tags);

struct Removal {
    std::string reference;            // what was asked for: NAME or NAME:TAG
    std::vector<std::string> removed; // the tags removed, in index order
    std::string latest;               // "NAME:vN" that NAME:latest now names; empty when unmoved
};

// `mlci rm`: with NAME alone, removes every tag of NAME; with NAME:TAG, removes
// the version that tag names (every tag of NAME naming the same artifact),
// and moves NAME:latest to the newest version left when it was one of them.
// A usage error when nothing matches.
Result<Removal> remove_name(Store& store, std::string_view ref);

// `mlci untag --json`: {"removed": the tags}.
nlohmann::json untag_json(const std::vector<std::string>& tags);
// One name of `mlci rm --json`: {"reference", "removed", "latest"}, "latest"
// null when NAME:latest did not move.
nlohmann::json to_json(const Removal& removal);
// `mlci rm --json`: one element per name, in the order given.
nlohmann::json to_json(const std::vector<Removal>& removals);

struct RetentionOptions {
    unsigned keep_last = 0; // versions NAME:vN kept per name (the N highest)
    // Artifacts kept whatever their age: what an environment runs, what a
    // pointer file in the workspace names.
    std::unordered_set<hash::Digest> protect;
    // Entries the rule does not apply to (a deployment history, say).
    std::function<bool(const IndexEntry&)> exempt;
};

struct RetentionPlan {
    std::vector<std::string> untag;  // version tags past the limit, oldest last per name
    std::vector<std::string> spared; // version tags past the limit kept because protected
    // Untagged entries (validations, test reports) whose subject only the
    // removed tags listed: they go with it, or they would keep it alive.
    std::vector<hash::Digest> orphans;
};

// The version tags that `keep_last` retention removes from `entries`. A
// version past the limit is spared when its artifact is protected or has a
// tag that is not a version (NAME:latest, production, ...).
RetentionPlan plan_retention(const std::vector<IndexEntry>& entries,
                             const RetentionOptions& options);

// Fills in `plan.orphans`: the untagged entries of `entries` whose manifest's
// subject is listed only under tags the plan removes.
Status find_orphans(const Store& store, const std::vector<IndexEntry>& entries,
                    RetentionPlan& plan);

// Removes the plan's tags and orphans from the index in one atomic update;
// those already gone are skipped (another process may have removed them).
Status apply_retention(Store& store, const RetentionPlan& plan);

} // namespace mlci::store
