#include <mlci/core/json.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/partial.hpp>
#include <optional>
#include <unordered_set>

namespace mlci::store {

bool has_children(std::string_view media_type) {
    return is_manifest_type(media_type) || is_index_type(media_type) ||
           media_type == k_media_file_list || media_type == k_media_chunk_list;
}

std::vector<hash::Digest> lineage_digests(const Annotations& annotations) {
    std::vector<hash::Digest> out;
    for (auto& [key, value] : annotations) {
        if (!key.starts_with(k_ann_lineage_prefix))
            continue;
        size_t start = 0;
        while (start < value.size()) {
            auto end = value.find(',', start);
            if (end == std::string::npos)
                end = value.size();
            if (auto d = hash::Digest::parse(value.substr(start, end - start)))
                out.push_back(*d);
            start = end + 1;
        }
    }
    return out;
}

Result<std::vector<Edge>> children(const Store& store, const hash::Digest& d,
                                   std::string_view media_type, ChunkLocator* locator) {
    std::vector<Edge> out;
    if (!has_children(media_type))
        return out;
    MLCI_TRY_ASSIGN(text, store.read_blob(d));
    if (media_type == k_media_file_list) {
        MLCI_TRY_ASSIGN(files, parse_file_list(text, d.str()));
        // A list pulled in part holds the data of some files only.
        bool required = !is_partial(store, d);
        for (auto& f : files) {
            if (!f.chunked())
                out.push_back({f.digest, "application/octet-stream", required});
            for (auto& list : f.chunk_lists)
                out.push_back({list.digest, k_media_chunk_list, required});
        }
        return out;
    }
    if (media_type == k_media_chunk_list) {
        MLCI_TRY_ASSIGN(list, parse_chunk_list(text, d.str()));
        std::optional<ChunkLocator> own;
        if (!locator)
            locator = &own.emplace(store);
        // A pack the store lacks: the packs that hold its chunks here (ranged
        // pulls, gc --repack), or the missing pack when a chunk is nowhere.
        std::unordered_set<hash::Digest> named;
        for (auto& c : list.chunks) {
            auto& home = list.packs[c.pack].digest;
            auto at = locator->locate(home, c);
            auto& pack = at ? at->pack : home;
            if (named.insert(pack).second)
                out.push_back({pack, k_media_pack, true});
        }
        return out;
    }
    MLCI_TRY_ASSIGN(j, parse_json_object(text, fmt::format("manifest '{}'", d.str())));
    auto add = [&](const nlohmann::json& desc) -> Status {
        MLCI_TRY_ASSIGN(c, descriptor_from_json(desc));
        out.push_back({c.digest, c.media_type, true});
        return {};
    };
    if (is_index_type(media_type)) {
        if (auto it = j.find("manifests"); it != j.end() && it->is_array())
            for (auto& m : *it)
                MLCI_TRY(add(m));
        return out;
    }
    MLCI_TRY_ASSIGN(m, parse_manifest(text, d.str()));
    out.push_back({m.config.digest, m.config.media_type, true});
    for (auto& l : m.layers)
        out.push_back({l.digest, l.media_type, true});
    for (auto& l : lineage_digests(m.annotations))
        out.push_back({l, {}, false});
    return out;
}

Status walk(const Store& store, const std::vector<Descriptor>& roots,
            const std::function<void(const Edge&)>& on_visit,
            const std::function<void(const Problem&)>& on_problem) {
    std::unordered_set<hash::Digest> seen;
    struct Item {
        Edge edge;
        hash::Digest parent;
    };
    std::vector<Item> stack;
    stack.reserve(roots.size());
    ChunkLocator locator(store);
    for (auto& r : roots)
        stack.push_back({{r.digest, r.media_type, true}, {}});
    while (!stack.empty()) {
        auto [edge, parent] = std::move(stack.back());
        stack.pop_back();
        if (!seen.insert(edge.digest).second)
            continue;
        if (!store.has_blob(edge.digest)) {
            if (!edge.required)
                continue;
            auto message = fmt::format("missing blob '{}'", edge.digest.str());
            if (!parent.empty())
                message += fmt::format(" (named by '{}')", parent.str());
            if (!on_problem)
                return runtime_error("{} (run 'mlci verify')", message);
            on_problem({edge, parent, message});
            continue;
        }
        std::string media_type = edge.media_type;
        if (!edge.required && media_type.empty())
            media_type = k_oci_manifest; // lineage points at artifacts
        if (on_visit)
            on_visit(edge);
        auto kids = children(store, edge.digest, media_type, &locator);
        if (!kids) {
            if (!on_problem)
                return std::unexpected(kids.error());
            on_problem({edge, parent, kids.error().message});
            continue;
        }
        for (auto& k : *kids)
            stack.push_back({k, edge.digest});
    }
    return {};
}

} // namespace mlci::store
