// Lineage: the graph of artifacts that made each other (ARCHITECTURE.md §1).
// Edges come from the manifests themselves: lineage annotations
// (dev.mlci.lineage.<relation> = digests) and the OCI `subject` point from a
// derived artifact back to its sources. Upstream is read by following them;
// downstream by scanning the index for manifests that point at an artifact.
// The git commit a run or dataset was made at is a node of its own ("code").
#pragma once

#include <map>
#include <mlci/core/error.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlci::lineage {

struct Node {
    std::string id;        // the manifest digest, or "git:<commit>" for code
    std::string kind;      // run, dataset, validation, test-report, package, ..., code
    std::string reference; // NAME:vN, a tag, else the digest; for code the commit
    std::string created;
    std::string status;   // dev.mlci.status, else dev.mlci.verdict (reports, validations)
    std::string detail;   // code: branch and dirty state; others: name
    bool missing = false; // named by lineage, but not in this store
};

struct Edge {
    std::string from;     // the source: data, code, a run...
    std::string to;       // what was made from it, or what attests it
    std::string relation; // the annotation's last part ("inputs", "run"), "subject", "code"
};

struct Graph {
    std::string root;
    std::map<std::string, Node> nodes;
    std::vector<Edge> edges; // unique (from, to); relations of one pair joined by ','
};

// The lineage of `entry`: everything upstream of it (recursively) and
// everything downstream (recursively), at most `depth` steps each way.
Result<Graph> build_graph(const store::Store& store, const store::IndexEntry& entry,
                          int depth = 32);

// The graph as text: the root, then "from" (sources, as a tree going up)
// and "made from it" (a tree going down).
std::string render_text(const Graph& graph);

// {"root": id, "nodes": [...], "edges": [{"from","to","relation"}]}
nlohmann::json to_json(const Graph& graph);

} // namespace mlci::lineage
