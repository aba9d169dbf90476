#include <cerrno>
#include <fcntl.h>
#include <map>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/archive_writer.hpp>
#include <mlci/oci/compression.hpp>
#include <mlci/oci/decompress.hpp>
#include <mlci/oci/image_config.hpp>
#include <mlci/oci/tar_writer.hpp>
#include <mlci/store/media_types.hpp>
#include <unistd.h>

namespace mlci::oci {

namespace {

std::string blob_name(const hash::Digest& d) {
    return "blobs/sha256/" + std::string(d.hex());
}

// A blob to put in the archive: a store blob as it is, or a layer decompressed.
struct ArchiveBlob {
    hash::Digest source; // in the store
    uint64_t size = 0;   // in the archive
    std::optional<Compression> decompress;
};

Status write_entries(TarStream& tar, const store::Store& store,
                     const std::map<hash::Digest, ArchiveBlob>& blobs,
                     const std::vector<std::pair<std::string, std::string>>& documents,
                     const Reporter& reporter) {
    MLCI_TRY(tar.add_directory("blobs"));
    MLCI_TRY(tar.add_directory("blobs/sha256"));
    uint64_t done = 0, total = 0;
    for (auto& [name, b] : blobs)
        total += b.size;
    for (auto& [name, b] : blobs) { // a map: ordered by digest
        auto path = store.blob_path(b.source);
        if (b.decompress)
            MLCI_TRY(tar.add_stream(blob_name(name), b.size, [&](const ByteSink& sink) {
                return decompress_file(path, *b.decompress, sink);
            }));
        else
            MLCI_TRY(tar.add_file(blob_name(name), path, b.size));
        done += b.size;
        reporter.report({"writing archive", 0, 0, done, total});
    }
    for (auto& [name, text] : documents)
        MLCI_TRY(tar.add_bytes(name, text));
    return {};
}

// The uncompressed size of a compressed layer, checking it against its diff_id.
Result<uint64_t> plain_size(const store::Store& store, const store::Descriptor& layer,
                            Compression c, const hash::Digest& diff_id) {
    hash::Sha256 sha;
    uint64_t size = 0;
    MLCI_TRY(decompress_file(store.blob_path(layer.digest), c, [&](const void* d, size_t n) {
        sha.update(d, n);
        size += n;
        return Status();
    }));
    if (sha.finish() != diff_id)
        return runtime_error("layer '{}' does not match its diff_id '{}' (run 'mlci verify')",
                             layer.digest.str(), diff_id.str());
    return size;
}

Result<std::map<hash::Digest, ArchiveBlob>> docker_layers(const store::Store& store,
                                                          const store::Manifest& m,
                                                          const std::vector<hash::Digest>& ids,
                                                          std::vector<std::string>& names) {
    std::map<hash::Digest, ArchiveBlob> blobs;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        auto& l = m.layers[i];
        auto c = layer_compression(l.media_type);
        if (!c)
            return usage_error("layer '{}' of type '{}' cannot go in a docker archive",
                               l.digest.str(), l.media_type);
        ArchiveBlob b{l.digest, l.size, {}};
        if (*c != Compression::none) {
            MLCI_TRY_ASSIGN(size, plain_size(store, l, *c, ids[i]));
            b = {l.digest, size, c};
        }
        blobs[ids[i]] = b;
        names.push_back(blob_name(ids[i]));
    }
    return blobs;
}

} // namespace

Result<ArchiveTarget> parse_archive_target(std::string_view spec) {
    ArchiveTarget t;
    std::string_view file;
    if (spec.starts_with("oci-archive:")) {
        t.kind = ArchiveKind::oci;
        file = spec.substr(12);
    } else if (spec.starts_with("docker-archive:")) {
        t.kind = ArchiveKind::docker;
        file = spec.substr(15);
    } else {
        return usage_error("invalid output '{}' (use oci-archive:FILE or docker-archive:FILE)",
                           spec);
    }
    if (file.empty())
        return usage_error("invalid output '{}': no file name", spec);
    t.file = std::string(file);
    return t;
}

Status write_archive(const store::Store& store, const store::Descriptor& manifest,
                     const std::string& name, const ArchiveTarget& target, int64_t mtime,
                     const Reporter& reporter) {
    MLCI_TRY_ASSIGN(m, store.read_manifest(manifest.digest));
    std::map<hash::Digest, ArchiveBlob> blobs;
    std::vector<std::pair<std::string, std::string>> documents; // after the blobs, by name
    if (target.kind == ArchiveKind::oci) {
        blobs[manifest.digest] = {manifest.digest, manifest.size, {}};
        blobs[m.config.digest] = {m.config.digest, m.config.size, {}};
        for (auto& l : m.layers)
            blobs[l.digest] = {l.digest, l.size, {}};
        auto entry = store::to_json(store::Descriptor{manifest.media_type,
                                                      manifest.digest,
                                                      manifest.size,
                                                      manifest.artifact_type,
                                                      {{store::k_ann_ref_name, name}},
                                                      {}});
        nlohmann::json index{{"schemaVersion", 2},
                             {"mediaType", store::k_oci_index},
                             {"manifests", nlohmann::json::array({entry})}};
        documents = {{"index.json", index.dump()},
                     {"oci-layout", R"({"imageLayoutVersion":"1.0.0"})"}};
    } else {
        if (m.config.media_type != store::k_oci_config)
            return usage_error("a docker archive holds container images only, and '{}' is a "
                               "'{}' artifact (use oci-archive:FILE)",
                               name, m.artifact_type);
        MLCI_TRY_ASSIGN(config_text, store.read_blob(m.config.digest));
        MLCI_TRY_ASSIGN(config, parse_json_object(config_text, fmt::format("image config '{}'",
                                                                           m.config.digest.str())));
        MLCI_TRY_ASSIGN(ids, diff_ids(config, m.config.digest.str()));
        if (ids.size() != m.layers.size())
            return usage_error("image '{}' has {} layers but {} diff_ids", name, m.layers.size(),
                               ids.size());
        std::vector<std::string> layer_names;
        MLCI_TRY_ASSIGN(layers, docker_layers(store, m, ids, layer_names));
        blobs = std::move(layers);
        blobs[m.config.digest] = {m.config.digest, m.config.size, {}};
        nlohmann::json entry{{"Config", blob_name(m.config.digest)},
                             {"RepoTags", nlohmann::json::array()},
                             {"Layers", layer_names}};
        if (!name.empty())
            entry["RepoTags"].push_back(name);
        documents = {{"manifest.json", nlohmann::json::array({entry}).dump()}};
    }

    auto temp = temp_path_for(target.file);
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd)
        return sys_error(errno, fmt::format("cannot create '{}'", temp.string()));
    auto cleanup = [&](Status s) {
        if (!s)
            ::unlink(temp.c_str());
        return s;
    };
    auto sink = [&](const void* d, size_t n) {
        return write_all(fd.get(), std::string_view(static_cast<const char*>(d), n), temp);
    };
    auto tar = TarStream::open(sink, mtime, /*blocked=*/true);
    if (!tar)
        return cleanup(std::unexpected(tar.error()));
    MLCI_TRY(cleanup(write_entries(*tar, store, blobs, documents, reporter)));
    MLCI_TRY(cleanup(tar->close()));
    if (::close(fd.release()) != 0)
        return cleanup(sys_error(errno, fmt::format("cannot write '{}'", temp.string())));
    if (::rename(temp.c_str(), target.file.c_str()) != 0)
        return cleanup(sys_error(errno, fmt::format("cannot write '{}'", target.file.string())));
    return {};
}

} // namespace mlci::oci
