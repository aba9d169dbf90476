// The --json documents of `mlci verify`, `gc`, `untag` and `rm`.
#include <mlci/store/maintenance.hpp>
#include <mlci/store/retention.hpp>

namespace mlci::store {

nlohmann::json to_json(const VerifyReport& report, const fs::path& root) {
    return {{"store", root.string()},
            {"blobs", report.blobs},
            {"bytes", report.bytes},
            {"ok", report.problems.empty()},
            {"problems", report.problems}};
}

nlohmann::json to_json(const GcReport& report, bool dry_run) {
    nlohmann::json removed = nlohmann::json::array();
    for (auto& [d, size] : report.removed)
        removed.push_back({{"digest", d.str()}, {"size", size}});
    return {{"dry_run", dry_run},
            {"untagged", report.retention.untag},
            {"spared", report.retention.spared},
            {"kept", report.kept},
            {"removed", removed},
            {"removed_bytes", report.removed_bytes},
            {"temp_files_removed", report.temp_files_removed},
            {"packs_repacked", report.repack.packs.size()},
            {"repacked_bytes", report.repack.old_bytes},
            {"repacked_into_bytes", report.repack.new_bytes},
            {"chunks_moved", report.repack.chunks_moved}};
}

nlohmann::json untag_json(const std::vector<std::string>& tags) {
    return {{"removed", tags}};
}

nlohmann::json to_json(const Removal& removal) {
    return {{"reference", removal.reference},
            {"removed", removal.removed},
            {"latest",
             removal.latest.empty() ? nlohmann::json(nullptr) : nlohmann::json(removal.latest)}};
}

nlohmann::json to_json(const std::vector<Removal>& removals) {
    nlohmann::json doc = nlohmann::json::array();
    for (auto& r : removals)
        doc.push_back(to_json(r));
    return doc;
}

} // namespace mlci::store
