#include <algorithm>
#include <cctype>
#include <mlci/core/json.hpp>
#include <mlci/oci/base_image.hpp>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/image_config.hpp>
#include <mlci/oci/layout.hpp>
#include <mlci/oci/media_types.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <sstream>

namespace mlci::oci {

namespace {

bool is_index(std::string_view media_type, const nlohmann::json& doc) {
    return store::is_index_type(media_type) || (doc.is_object() && doc.contains("manifests"));
}

std::string platform_name(const nlohmann::json& p) {
    if (!p.is_object())
        return "unknown";
    auto s = p.value("os", "?") + "/" + p.value("architecture", "?");
    if (auto v = p.value("variant", ""); !v.empty())
        s += "/" + v;
    return s;
}

// The entry of `index` for `platform`.
Result<store::Descriptor> choose_platform(const nlohmann::json& index, const Platform& platform,
                                          const std::string& where) {
    std::vector<std::string> seen;
    for (auto& m : index["manifests"]) {
        auto p = m.value("platform", nlohmann::json());
        if (p.is_object() && p.value("os", "") == platform.os &&
            p.value("architecture", "") == platform.architecture &&
            (platform.variant.empty() || p.value("variant", "") == platform.variant))
            return store::descriptor_from_json(m);
        seen.push_back(platform_name(p));
    }
    if (index["manifests"].size() == 1 && !index["manifests"][0].contains("platform"))
        return store::descriptor_from_json(index["manifests"][0]);
    std::string list;
    for (auto& s : seen)
        list += (list.empty() ? "" : ", ") + s;
    return usage_error("base image '{}' has no {}/{} image (it has: {})", where, platform.os,
                       platform.architecture, list.empty() ? "none" : list);
}

// The manifest entry of a layout's index.json named `ref` (its ref.name),
// or its only entry when `ref` is empty.
Result<store::Descriptor> find_in_index(const nlohmann::json& index, const std::string& ref,
                                        const std::string& where) {
    std::vector<std::string> names;
    for (auto& m : index["manifests"]) {
        auto name = m.value("annotations", nlohmann::json::object())
                        .value(store::k_ann_ref_name, std::string());
        if (!ref.empty() && name == ref)
            return store::descriptor_from_json(m);
        if (!name.empty())
            names.push_back(name);
    }
    if (ref.empty() && index["manifests"].size() == 1)
        return store::descriptor_from_json(index["manifests"][0]);
    std::string list;
    for (auto& n : names)
        list += (list.empty() ? "" : ", ") + n;
    if (ref.empty())
        return usage_error("'{}' holds {} images: name one as {}:REF (it has: {})", where,
                           index["manifests"].size(), where, list.empty() ? "none" : list);
    return usage_error("no image '{}' in '{}' (it has: {})", ref, where,
                       list.empty() ? "none" : list);
}

// The OCI media type for a base layer, mapping Docker's.
Result<std::string> oci_layer_type(const std::string& t, const std::string& where) {
    if (t == k_docker_layer_foreign)
        return usage_error("base image '{}' has a foreign (non-distributable) layer, which mlci "
                           "cannot copy",
                           where);
    if (t.starts_with("application/vnd.oci.image.layer."))
        return t;
    if (t.starts_with("application/vnd.docker.image.rootfs.diff."))
        if (auto c = layer_compression(t))
            return layer_media_type(*c);
    return usage_error("base image '{}' has a layer of unsupported type '{}'", where, t);
}

// Reads the image `d` names (descending through an index), with its config.
Result<BaseImage> read_image(const BlobReader& read, store::Descriptor d, const Platform& platform,
                             const std::string& where) {
    std::string text;
    for (int depth = 0;; ++depth) {
        MLCI_TRY_ASSIGN(t, read(d));
        text = std::move(t);
        MLCI_TRY_ASSIGN(doc, parse_json_object(text, fmt::format("manifest '{}' of base image '{}'",
                                                                 d.digest.str(), where)));
        if (doc.value("schemaVersion", 0) == 1)
            return usage_error("base image '{}' uses Docker schema 1, which mlci does not read "
                               "(pull it again from a current registry)",
                               where);
        if (!is_index(d.media_type, doc))
            break;
        if (depth > 0)
            return usage_error("base image '{}': nested image indexes are not supported", where);
        MLCI_TRY_ASSIGN(chosen, choose_platform(doc, platform, where));
        d = chosen;
    }
    MLCI_TRY_ASSIGN(m, store::parse_manifest(text, d.digest.str()));
    if (m.config.media_type != store::k_oci_config && m.config.media_type != k_docker_config)
        return usage_error("base '{}' is not a container image (its config is '{}')", where,
                           m.config.media_type);
    BaseImage base;
    base.spec = where;
    d.annotations.erase(store::k_ann_ref_name);
    d.platform.reset();
    if (d.media_type.empty())
        d.media_type = m.media_type;
    base.manifest = d;
    for (auto& l : m.layers) {
        auto layer = l;
        MLCI_TRY_ASSIGN(type, oci_layer_type(l.media_type, where));
        layer.media_type = type;
        base.layers.push_back(std::move(layer));
    }
    MLCI_TRY_ASSIGN(config_text, read(m.config));
    MLCI_TRY_ASSIGN(config,
                    parse_json_object(config_text, fmt::format("config '{}' of base image '{}'",
                                                               m.config.digest.str(), where)));
    base.config = std::move(config);
    MLCI_TRY_ASSIGN(ids, diff_ids(base.config, m.config.digest.str()));
    if (ids.size() != base.layers.size())
        return usage_error("base image '{}' has {} layers but its config lists {} diff_ids", where,
                           base.layers.size(), ids.size());
    return base;
}

// "PATH[:REF]" as skopeo splits it: paths cannot hold ':', refs can.
std::pair<std::string, std::string> split_path_ref(std::string_view s) {
    auto colon = s.find(':');
    if (colon == std::string_view::npos)
        return {std::string(s), {}};
    return {std::string(s.substr(0, colon)), std::string(s.substr(colon + 1))};
}

Status check_layers_in_store(const store::Store& store, const BaseImage& base) {
    for (auto& l : base.layers)
        if (!store.has_blob(l.digest))
            return usage_error("base image '{}' is incomplete in the store: layer '{}' is "
                               "missing (pull it again)",
                               base.spec, l.digest.str());
    return {};
}

} // namespace

Result<Platform> parse_platform(std::string_view text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        auto slash = text.find('/', start);
        parts.emplace_back(text.substr(start, slash - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    auto ok = [](const std::string& p) {
        return !p.empty() && std::all_of(p.begin(), p.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
    };
    if (parts.size() < 2 || parts.size() > 3 || !std::all_of(parts.begin(), parts.end(), ok))
        return usage_error("bad platform '{}': expected OS/ARCH[/VARIANT], e.g. linux/amd64 or "
                           "linux/arm64/v8",
                           text);
    return Platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : std::string()};
}

Result<BaseImage> load_base_image(const store::Store& store, const std::string& spec,
                                  const Platform& platform, const Reporter& reporter) {
    if (spec.empty() || spec == "scratch") {
        BaseImage base;
        base.spec = "scratch";
        base.config = scratch_config();
        // A scratch image runs where its files do: it is the platform asked for.
        base.config["os"] = platform.os;
        base.config["architecture"] = platform.architecture;
        if (!platform.variant.empty())
            base.config["variant"] = platform.variant;
        return base;
    }
    if (spec.starts_with("oci:")) {
        auto [dir, ref] = split_path_ref(std::string_view(spec).substr(4));
        MLCI_TRY_ASSIGN(index, read_layout_index(dir));
        MLCI_TRY_ASSIGN(d, find_in_index(index, ref, "oci:" + dir));
        MLCI_TRY_ASSIGN(base, read_image(layout_reader(dir), d, platform, spec));
        for (auto& l : base.layers)
            MLCI_TRY(import_layout_blob(store, dir, l));
        return base;
    }
    if (spec.starts_with("oci-archive:")) {
        auto [file, ref] = split_path_ref(std::string_view(spec).substr(12));
        MLCI_TRY_ASSIGN(index, import_oci_archive(store, file, reporter));
        MLCI_TRY_ASSIGN(d, find_in_index(index, ref, "oci-archive:" + file));
        MLCI_TRY_ASSIGN(base, read_image(store_reader(store), d, platform, spec));
        MLCI_TRY(check_layers_in_store(store, base));
        return base;
    }
    if (spec.starts_with("docker-archive:"))
        return usage_error("a docker-archive base is not supported (convert it with 'skopeo copy "
                           "{} oci-archive:FILE' and pass --base oci-archive:FILE)",
                           spec);
    if (spec.starts_with("docker://") || store::is_remote_reference(spec))
        return usage_error("base image '{}' is in a registry: run 'mlci pull {}' first, then pass "
                           "the local reference as --base",
                           spec, spec.starts_with("docker://") ? spec.substr(9) : spec);
    std::istringstream no_stdin;
    auto entry = store::resolve(store, spec, no_stdin);
    if (!entry)
        return usage_error("base image '{}' is not in the store (use scratch, oci:DIR[:REF], "
                           "oci-archive:FILE[:REF], or an image that 'mlci pull' put in the "
                           "store)",
                           spec);
    MLCI_TRY_ASSIGN(base, read_image(store_reader(store), entry->descriptor, platform, spec));
    MLCI_TRY(check_layers_in_store(store, base));
    return base;
}

} // namespace mlci::oci
