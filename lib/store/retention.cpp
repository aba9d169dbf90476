#include <algorithm>
#include <map>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/retention.hpp>
#include <set>

namespace mlci::store {

namespace {

// After `removed` left the index: the untagged entries (validations, test
// reports) whose subject is one of them and is listed no more go too, or
// they would keep it from gc. Returns how many went.
Result<size_t> drop_orphans(const Store& store, std::vector<IndexEntry>& entries,
                            const std::vector<IndexEntry>& removed) {
    std::unordered_set<hash::Digest> gone;
    for (auto& e : removed)
        gone.insert(e.descriptor.digest);
    for (auto& e : entries)
        gone.erase(e.descriptor.digest);
    if (gone.empty())
        return 0;
    std::unordered_set<hash::Digest> orphans;
    for (auto& e : entries) {
        if (!e.tag.empty() || !store.has_blob(e.descriptor.digest))
            continue;
        MLCI_TRY_ASSIGN(m, store.read_manifest(e.descriptor.digest));
        if (m.subject && gone.contains(m.subject->digest))
            orphans.insert(e.descriptor.digest);
    }
    return std::erase_if(entries, [&](const IndexEntry& e) {
        return e.tag.empty() && orphans.contains(e.descriptor.digest);
    });
}

} // namespace

std::string_view tag_name(std::string_view tag) {
    auto colon = tag.rfind(':');
    return colon == std::string_view::npos ? tag : tag.substr(0, colon);
}

Status untag(Store& store, const std::vector<std::string>& tags) {
    for (auto& tag : tags) {
        MLCI_TRY(validate_tag(tag));
        if (tag.find(':') == std::string::npos)
            return usage_error("'{}' is a name, not a tag: give NAME:TAG, or remove every tag of "
                               "the name with 'mlci rm {}'",
                               tag, tag);
    }
    std::set<std::string> doomed(tags.begin(), tags.end());
    return store.update_index([&](std::vector<IndexEntry>& entries) -> Status {
        for (auto& tag : doomed)
            if (std::none_of(entries.begin(), entries.end(),
                             [&](const IndexEntry& e) { return e.tag == tag; }))
                return usage_error("no tag '{}' in the store (see 'mlci log' or 'mlci show')", tag);
        std::vector<IndexEntry> removed;
        std::erase_if(entries, [&](const IndexEntry& e) {
            if (!doomed.contains(e.tag))
                return false;
            removed.push_back(e);
            return true;
        });
        MLCI_TRY(drop_orphans(store, entries, removed));
        return {};
    });
}

Result<Removal> remove_name(Store& store, std::string_view ref) {
    MLCI_TRY(validate_tag(ref));
    std::string name(tag_name(ref));
    bool whole_name = ref.find(':') == std::string_view::npos;
    Removal out;
    out.reference = std::string(ref);
    MLCI_TRY(store.update_index([&](std::vector<IndexEntry>& entries) -> Status {
        hash::Digest target;
        if (!whole_name) {
            auto it = std::find_if(entries.begin(), entries.end(),
                                   [&](const IndexEntry& e) { return e.tag == ref; });
            if (it == entries.end())
                return usage_error("no tag '{}' in the store (see 'mlci log' or 'mlci show')", ref);
            target = it->descriptor.digest;
        }
        bool latest_removed = false;
        std::vector<IndexEntry> removed;
        std::erase_if(entries, [&](const IndexEntry& e) {
            if (e.tag.empty() || tag_name(e.tag) != name)
                return false;
            if (!whole_name && e.descriptor.digest != target)
                return false;
            out.removed.push_back(e.tag);
            removed.push_back(e);
            latest_removed |= e.tag == name + ":latest";
            return true;
        });
        if (out.removed.empty())
            return usage_error("no tags named '{}' in the store (see 'mlci log' or 'mlci show')",
                               name);
        MLCI_TRY(drop_orphans(store, entries, removed));
        if (!latest_removed || whole_name)
            return {};
        // `latest` follows the newest version that is left, as tagging would.
        const IndexEntry* newest = nullptr;
        long highest = -1;
        for (auto& e : entries)
            if (auto v = tag_version(e.tag, name); v > highest) {
                highest = v;
                newest = &e;
            }
        if (!newest)
            return {};
        IndexEntry latest{newest->descriptor, name + ":latest"};
        latest.descriptor.annotations[k_ann_ref_name] = latest.tag;
        out.latest = newest->tag;
        entries.push_back(std::move(latest));
        return {};
    }));
    return out;
}

RetentionPlan plan_retention(const std::vector<IndexEntry>& entries,
                             const RetentionOptions& options) {
    // Artifacts a tag other than a version names (latest, production...).
    std::unordered_set<hash::Digest> other_tags;
    std::map<std::string, std::vector<std::pair<long, const IndexEntry*>>> versions;
    for (auto& e : entries) {
        if (e.tag.empty())
            continue;
        auto name = std::string(tag_name(e.tag));
        auto v = tag_version(e.tag, name);
        if (v < 0)
            other_tags.insert(e.descriptor.digest);
        else if (!options.exempt || !options.exempt(e))
            versions[name].emplace_back(v, &e);
    }
    RetentionPlan plan;
    for (auto& [name, list] : versions) {
        std::sort(list.begin(), list.end(),
                  [](auto& a, auto& b) { return a.first > b.first; }); // newest first
        for (size_t i = options.keep_last; i < list.size(); ++i) {
            auto& e = *list[i].second;
            bool kept = other_tags.contains(e.descriptor.digest) ||
                        options.protect.contains(e.descriptor.digest);
            (kept ? plan.spared : plan.untag).push_back(e.tag);
        }
    }
    return plan;
}

Status find_orphans(const Store& store, const std::vector<IndexEntry>& entries,
                    RetentionPlan& plan) {
    std::set<std::string> doomed(plan.untag.begin(), plan.untag.end());
    std::vector<IndexEntry> left, removed;
    for (auto& e : entries)
        (doomed.contains(e.tag) ? removed : left).push_back(e);
    auto before = left;
    MLCI_TRY(drop_orphans(store, left, removed));
    std::unordered_set<hash::Digest> kept;
    for (auto& e : left)
        kept.insert(e.descriptor.digest);
    for (auto& e : before)
        if (e.tag.empty() && !kept.contains(e.descriptor.digest))
            plan.orphans.push_back(e.descriptor.digest);
    return {};
}

Status apply_retention(Store& store, const RetentionPlan& plan) {
    if (plan.untag.empty() && plan.orphans.empty())
        return {};
    std::set<std::string> doomed(plan.untag.begin(), plan.untag.end());
    std::unordered_set<hash::Digest> orphans(plan.orphans.begin(), plan.orphans.end());
    return store.update_index([&](std::vector<IndexEntry>& entries) -> Status {
        std::erase_if(entries, [&](const IndexEntry& e) {
            return doomed.contains(e.tag) ||
                   (e.tag.empty() && orphans.contains(e.descriptor.digest));
        });
        return {};
    });
}

} // namespace mlci::store
