// The lineage graph as a text tree for people.
#include <fmt/format.h>
#include <mlci/lineage/lineage.hpp>
#include <set>

namespace mlci::lineage {

namespace {

std::string label(const Node& n) {
    std::string out = n.reference;
    std::string what = n.kind;
    if (!n.status.empty())
        what += ", " + n.status;
    if (n.kind == "code" && !n.detail.empty())
        what += ", " + n.detail;
    out += "  (" + what + ")";
    if (n.missing)
        out += "  not in this store";
    else if (n.reference != n.id && n.kind != "code")
        out += "  " + n.id.substr(0, 19);
    return out;
}

class Printer {
public:
    Printer(const Graph& g, bool up) : m_graph(g), m_up(up) {}

    // The edges that continue the tree from `id`: its sources going up,
    // what was made from it going down.
    std::vector<const Edge*> next(const std::string& id) const {
        std::vector<const Edge*> out;
        for (auto& e : m_graph.edges)
            if ((m_up ? e.to : e.from) == id)
                out.push_back(&e);
        return out;
    }

    void print(const std::string& id, const std::string& indent, std::string& out,
               std::set<std::string>& path) {
        auto edges = next(id);
        for (size_t i = 0; i < edges.size(); ++i) {
            bool last = i + 1 == edges.size();
            auto& other = m_up ? edges[i]->from : edges[i]->to;
            auto it = m_graph.nodes.find(other);
            std::string text = it == m_graph.nodes.end() ? other : label(it->second);
            bool repeat = m_expanded.contains(other) && !next(other).empty();
            out += fmt::format("{}{}{}  [{}]{}\n", indent, last ? "└── " : "├── ", text,
                               edges[i]->relation, repeat ? "  (see above)" : "");
            if (repeat || path.contains(other))
                continue;
            m_expanded.insert(other);
            path.insert(other);
            print(other, indent + (last ? "    " : "│   "), out, path);
            path.erase(other);
        }
    }

private:
    const Graph& m_graph;
    bool m_up;
    std::set<std::string> m_expanded;
};

} // namespace

std::string render_text(const Graph& graph) {
    std::string out;
    auto root = graph.nodes.find(graph.root);
    if (root == graph.nodes.end())
        return out;
    out += label(root->second) + "\n";
    for (bool up : {true, false}) {
        Printer p(graph, up);
        out += up ? "from:\n" : "made from it:\n";
        auto before = out.size();
        std::set<std::string> path{graph.root};
        p.print(graph.root, "", out, path);
        if (out.size() == before)
            out += up ? "    (nothing: no lineage recorded)\n" : "    (nothing yet)\n";
    }
    return out;
}

} // namespace mlci::lineage
