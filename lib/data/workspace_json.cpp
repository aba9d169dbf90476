#include <mlci/data/workspace_json.hpp>

namespace mlci::data {

nlohmann::json to_json(const FileChange& c) {
    nlohmann::json j{{"path", c.path}, {"change", to_string(c.change)}};
    if (c.change != Change::added)
        j["old_size"] = c.old_size;
    if (c.change != Change::deleted)
        j["new_size"] = c.new_size;
    if (!c.old_digest.empty())
        j["old_digest"] = c.old_digest.str();
    if (!c.new_digest.empty())
        j["new_digest"] = c.new_digest.str();
    return j;
}

nlohmann::json to_json(const ChangeTotals& t) {
    return {{"files", t.files()},
            {"added", t.added},
            {"modified", t.modified},
            {"deleted", t.deleted},
            {"added_bytes", t.added_bytes},
            {"deleted_bytes", t.deleted_bytes},
            {"modified_bytes_delta", t.modified_delta}};
}

namespace {

nlohmann::json changes_json(const std::vector<FileChange>& changes) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& c : changes)
        out.push_back(to_json(c));
    return out;
}

nlohmann::json digest_or_null(const std::optional<store::Descriptor>& manifest) {
    return manifest ? nlohmann::json(manifest->digest.str()) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json to_json(const StatusReport& report) {
    nlohmann::json roots = nlohmann::json::array();
    for (auto& r : report.roots)
        roots.push_back({{"path", r.path},
                         {"pointer", r.pointer_path},
                         {"dataset", r.pointer.dataset},
                         {"tree", r.pointer.tree.str()},
                         {"clean", r.changes.empty()},
                         {"files_read", r.files_read},
                         {"changes", changes_json(r.changes)}});
    return {{"clean", report.clean()}, {"roots", roots}};
}

nlohmann::json to_json(const CheckoutResult& r) {
    nlohmann::json roots = nlohmann::json::array();
    for (auto& root : r.roots)
        roots.push_back({{"path", root.path},
                         {"pointer", root.pointer.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(root.pointer)},
                         {"files", root.files},
                         {"bytes", root.bytes},
                         {"written", root.written},
                         {"written_bytes", root.written_bytes},
                         {"unchanged", root.unchanged},
                         {"removed", root.removed},
                         {"extra", root.extra},
                         {"cleaned", root.cleaned},
                         {"discarded", root.discarded}});
    return {{"reference", r.label}, {"digest", digest_or_null(r.manifest)}, {"roots", roots}};
}

nlohmann::json to_json(const DiffReport& report) {
    auto side = [](const std::string& label, const std::optional<store::Descriptor>& m) {
        return nlohmann::json{{"reference", label}, {"digest", digest_or_null(m)}};
    };
    return {{"from", side(report.from_label, report.from_manifest)},
            {"to", side(report.to_label, report.to_manifest)},
            {"changes", changes_json(report.changes)},
            {"totals", to_json(totals_of(report.changes))}};
}

} // namespace mlci::data
