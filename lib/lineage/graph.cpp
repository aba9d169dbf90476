#include <charconv>
#include <deque>
#include <mlci/core/json.hpp>
#include <mlci/lineage/lineage.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <set>

namespace mlci::lineage {

namespace {

// The references out of one manifest: its sources and how it names them.
struct Link {
    hash::Digest target;
    std::string relation;
};

std::vector<Link> links_of(const store::Manifest& m) {
    std::vector<Link> out;
    if (m.subject)
        out.push_back({m.subject->digest, "subject"});
    for (auto& [key, value] : m.annotations) {
        if (!key.starts_with(store::k_ann_lineage_prefix))
            continue;
        store::Annotations one{{key, value}};
        auto relation = key.substr(std::string_view(store::k_ann_lineage_prefix).size());
        for (auto& d : store::lineage_digests(one))
            out.push_back({d, relation});
    }
    return out;
}

std::string kind_of(const store::Manifest& m) {
    if (auto it = m.annotations.find(store::k_ann_kind); it != m.annotations.end())
        return it->second;
    constexpr std::string_view prefix = "application/vnd.mlci.";
    auto t = m.artifact_type;
    if (t.starts_with(prefix)) {
        t = t.substr(prefix.size());
        if (auto dot = t.rfind(".v"); dot != std::string::npos)
            t = t.substr(0, dot);
        return t;
    }
    return t.empty() ? "image" : t;
}

// Rank of a tag for naming: NAME:vN beats other tags, which beat none.
int rank(const std::string& tag) {
    if (tag.empty())
        return 0;
    auto colon = tag.rfind(':');
    if (colon != std::string::npos && colon + 2 <= tag.size() && tag[colon + 1] == 'v') {
        long n = 0;
        auto d = std::string_view(tag).substr(colon + 2);
        auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), n);
        if (ec == std::errc() && p == d.data() + d.size() && !d.empty())
            return 2;
    }
    return 1;
}

class Builder {
public:
    Builder(const store::Store& store, std::vector<store::IndexEntry> entries)
        : m_store(store), m_entries(std::move(entries)) {
        for (auto& e : m_entries) {
            auto& best = m_names[e.descriptor.digest];
            if (rank(e.tag) > rank(best))
                best = e.tag;
        }
    }

    Graph graph;

    // Reads (once) the manifest `d` and adds its node.
    const store::Manifest* visit(const hash::Digest& d) {
        if (auto it = m_manifests.find(d); it != m_manifests.end())
            return it->second ? &*it->second : nullptr;
        auto& slot = m_manifests[d];
        Node node;
        node.id = d.str();
        auto name = m_names.find(d);
        node.reference = name != m_names.end() && !name->second.empty() ? name->second : d.str();
        auto m = m_store.has_blob(d) ? m_store.read_manifest(d)
                                     : Result<store::Manifest>(std::unexpected(Error{}));
        if (!m) {
            node.kind = "unknown";
            node.missing = true;
            graph.nodes.emplace(node.id, node);
            return nullptr;
        }
        node.kind = kind_of(*m);
        auto ann = [&](const char* key) {
            auto it = m->annotations.find(key);
            return it == m->annotations.end() ? std::string() : it->second;
        };
        node.created = ann(store::k_ann_created);
        // Runs have a status; test reports and validations a verdict.
        node.status = ann("dev.mlci.status");
        if (node.status.empty())
            node.status = ann("dev.mlci.verdict");
        node.detail = ann(store::k_ann_name);
        graph.nodes.emplace(node.id, node);
        slot = std::move(*m);
        add_code(*slot, node.id);
        return &*slot;
    }

    void edge(const std::string& from, const std::string& to, const std::string& relation) {
        for (auto& e : graph.edges)
            if (e.from == from && e.to == to) {
                if (("," + e.relation + ",").find("," + relation + ",") == std::string::npos)
                    e.relation += "," + relation;
                return;
            }
        graph.edges.push_back({from, to, relation});
    }

    void upstream(const hash::Digest& start, int depth) {
        std::deque<std::pair<hash::Digest, int>> queue{{start, 0}};
        std::set<hash::Digest> seen;
        while (!queue.empty()) {
            auto [d, level] = queue.front();
            queue.pop_front();
            if (!seen.insert(d).second)
                continue;
            auto* m = visit(d);
            if (!m || level >= depth)
                continue;
            for (auto& l : links_of(*m)) {
                visit(l.target);
                edge(l.target.str(), d.str(), l.relation);
                queue.emplace_back(l.target, level + 1);
            }
        }
    }

    void downstream(const hash::Digest& start, int depth) {
        index_referrers();
        std::deque<std::pair<hash::Digest, int>> queue{{start, 0}};
        std::set<hash::Digest> seen;
        while (!queue.empty()) {
            auto [d, level] = queue.front();
            queue.pop_front();
            if (!seen.insert(d).second || level >= depth)
                continue;
            auto it = m_referrers.find(d);
            if (it == m_referrers.end())
                continue;
            for (auto& [child, relation] : it->second) {
                visit(child);
                edge(d.str(), child.str(), relation);
                queue.emplace_back(child, level + 1);
            }
        }
    }

private:
    // The code a manifest was made from: a run's record "code", a dataset's
    // "git", or the revision annotation.
    void add_code(const store::Manifest& m, const std::string& id) {
        std::string commit, branch;
        bool dirty = false;
        std::string diff;
        auto config = m.config.size < (1u << 20) && m_store.has_blob(m.config.digest)
                          ? m_store.read_blob(m.config.digest)
                          : Result<std::string>(std::unexpected(Error{}));
        if (config) {
            if (auto parsed = parse_json_object(*config, "run record")) {
                auto& j = *parsed;
                const nlohmann::json* code = nullptr;
                if (auto c = j.find("code"); c != j.end() && c->is_object())
                    code = &*c;
                else if (auto g = j.find("git"); g != j.end() && g->is_object())
                    code = &*g;
                if (code) {
                    auto str = [&](const char* k) {
                        auto it = code->find(k);
                        return it != code->end() && it->is_string() ? it->get<std::string>()
                                                                    : std::string();
                    };
                    commit = str("commit");
                    branch = str("branch");
                    dirty = code->value("dirty", false);
                    diff = str("diff_digest");
                }
            }
        }
        if (commit.empty())
            if (auto it = m.annotations.find(store::k_ann_revision); it != m.annotations.end())
                commit = it->second;
        if (commit.empty())
            return;
        // Uncommitted changes make different code: one node per diff.
        auto code_id = "git:" + commit + (dirty ? "+" + (diff.empty() ? "dirty" : diff) : "");
        if (!graph.nodes.contains(code_id)) {
            Node node;
            node.id = code_id;
            node.kind = "code";
            node.reference = "git " + commit.substr(0, 12);
            std::string detail = branch;
            if (dirty)
                detail += std::string(detail.empty() ? "" : ", ") + "uncommitted changes" +
                          (diff.size() > 19 ? " " + diff.substr(7, 12) : "");
            node.detail = detail;
            graph.nodes.emplace(code_id, node);
        }
        edge(code_id, id, "code");
    }

    // Who points at whom, over every manifest the index lists (read once).
    void index_referrers() {
        if (m_indexed)
            return;
        m_indexed = true;
        std::set<hash::Digest> seen;
        for (auto& e : m_entries) {
            if (!seen.insert(e.descriptor.digest).second)
                continue;
            if (e.descriptor.media_type != store::k_oci_manifest &&
                !e.descriptor.media_type.empty())
                continue; // image indexes name platforms, not sources
            auto m = m_store.read_manifest(e.descriptor.digest);
            if (!m)
                continue;
            for (auto& l : links_of(*m))
                m_referrers[l.target].emplace_back(e.descriptor.digest, l.relation);
        }
    }

    const store::Store& m_store;
    std::vector<store::IndexEntry> m_entries;
    std::map<hash::Digest, std::string> m_names;
    std::map<hash::Digest, std::optional<store::Manifest>> m_manifests;
    std::map<hash::Digest, std::vector<std::pair<hash::Digest, std::string>>> m_referrers;
    bool m_indexed = false;
};

} // namespace

Result<Graph> build_graph(const store::Store& store, const store::IndexEntry& entry, int depth) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    Builder b(store, std::move(entries));
    auto& d = entry.descriptor.digest;
    if (!b.visit(d))
        return usage_error("'{}' is not an artifact manifest in the store",
                           store::display_name(entry));
    b.graph.root = d.str();
    b.upstream(d, depth);
    b.downstream(d, depth);
    return std::move(b.graph);
}

nlohmann::json to_json(const Graph& graph) {
    nlohmann::json nodes = nlohmann::json::array();
    for (auto& [id, n] : graph.nodes) {
        nlohmann::json j{{"id", n.id}, {"kind", n.kind}, {"reference", n.reference}};
        if (!n.created.empty())
            j["created"] = n.created;
        if (!n.status.empty())
            j["status"] = n.status;
        if (!n.detail.empty())
            j["detail"] = n.detail;
        if (n.missing)
            j["missing"] = true;
        nodes.push_back(std::move(j));
    }
    nlohmann::json edges = nlohmann::json::array();
    for (auto& e : graph.edges)
        edges.push_back({{"from", e.from}, {"to", e.to}, {"relation", e.relation}});
    return {{"root", graph.root}, {"nodes", nodes}, {"edges", edges}};
}

} // namespace mlci::lineage
