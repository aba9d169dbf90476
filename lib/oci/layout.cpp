#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <mlci/core/archive.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/oci/layout.hpp>
#include <unistd.h>
#include <vector>

namespace mlci::oci {

namespace {

fs::path blob_in_layout(const fs::path& dir, const hash::Digest& d) {
    return dir / "blobs" / "sha256" / std::string(d.hex());
}

Result<nlohmann::json> parse_index(std::string_view text, std::string_view where) {
    MLCI_TRY_ASSIGN(j, parse_json_object(text, fmt::format("'{}'", where)));
    if (!j.contains("manifests") || !j["manifests"].is_array())
        return usage_error("malformed '{}': not an OCI image index", where);
    return j;
}

Status check_size(const store::Descriptor& d) {
    if (d.size > k_max_document)
        return usage_error("'{}' is too large for a manifest or config ({} bytes)", d.digest.str(),
                           d.size);
    return {};
}

// Streams the current archive entry into a new store blob named by `want`.
Status import_entry(const store::Store& store, archive* a, const hash::Digest& want,
                    const fs::path& file, const Reporter& reporter, uint64_t& bytes) {
    if (store.has_blob(want)) {
        store.freshen(want);
        archive_read_data_skip(a);
        return {};
    }
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    std::vector<char> buf(1 << 20);
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
        if (n < 0)
            return runtime_error("cannot read '{}': {}", file.string(), archive_error_text(a));
        if (n == 0)
            break;
        MLCI_TRY(writer.write(buf.data(), static_cast<size_t>(n)));
        bytes += static_cast<uint64_t>(n);
        reporter.report({"importing base", 0, 0, bytes, 0});
    }
    MLCI_TRY_ASSIGN(d, writer.commit("application/octet-stream"));
    if (d.digest != want)
        return runtime_error("'{}' is corrupt: blob '{}' has digest '{}'", file.string(),
                             want.str(), d.digest.str());
    return {};
}

} // namespace

Result<nlohmann::json> read_layout_index(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / "oci-layout", ec) ||
        !fs::is_regular_file(dir / "index.json", ec))
        return usage_error("'{}' is not an OCI image layout (no oci-layout or index.json)",
                           dir.string());
    MLCI_TRY_ASSIGN(text, read_file(dir / "index.json"));
    return parse_index(text, (dir / "index.json").string());
}

BlobReader layout_reader(const fs::path& dir) {
    return [dir](const store::Descriptor& d) -> Result<std::string> {
        MLCI_TRY(check_size(d));
        auto path = blob_in_layout(dir, d.digest);
        std::error_code ec;
        if (!fs::exists(path, ec))
            return usage_error("blob '{}' is missing from the layout '{}'", d.digest.str(),
                               dir.string());
        MLCI_TRY_ASSIGN(text, read_file(path));
        if (hash::sha256_of(text) != d.digest)
            return runtime_error("blob '{}' in '{}' is corrupt", d.digest.str(), dir.string());
        return text;
    };
}

BlobReader store_reader(const store::Store& store) {
    return [&store](const store::Descriptor& d) -> Result<std::string> {
        MLCI_TRY(check_size(d));
        return store.read_blob(d.digest);
    };
}

Status import_layout_blob(const store::Store& store, const fs::path& dir,
                          const store::Descriptor& d) {
    if (store.has_blob(d.digest)) {
        store.freshen(d.digest);
        return {};
    }
    auto path = blob_in_layout(dir, d.digest);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno == ENOENT ? usage_error("blob '{}' is missing from the layout '{}'",
                                             d.digest.str(), dir.string())
                               : sys_error(errno, fmt::format("cannot open '{}'", path.string()));
    MLCI_TRY_ASSIGN(writer, store.begin_blob());
    std::vector<char> buf(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error(errno, fmt::format("cannot read '{}'", path.string()));
        if (n == 0)
            break;
        MLCI_TRY(writer.write(buf.data(), static_cast<size_t>(n)));
    }
    MLCI_TRY_ASSIGN(got, writer.commit(d.media_type));
    if (got.digest != d.digest || got.size != d.size)
        return runtime_error("blob '{}' in '{}' is corrupt (its content has digest '{}')",
                             d.digest.str(), dir.string(), got.digest.str());
    return {};
}

Result<nlohmann::json> import_oci_archive(const store::Store& store, const fs::path& file,
                                          const Reporter& reporter) {
    ArchiveReader a(archive_read_new());
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_all(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 20) != ARCHIVE_OK)
        return usage_error("cannot read OCI archive '{}': {}", file.string(),
                           archive_error_text(a.get()));
    std::string index;
    bool layout = false;
    uint64_t bytes = 0;
    archive_entry* entry = nullptr;
    for (;;) {
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc < ARCHIVE_WARN)
            return usage_error("cannot read OCI archive '{}': {}", file.string(),
                               archive_error_text(a.get()));
        const char* raw = archive_entry_pathname(entry);
        std::string name = raw ? raw : "";
        while (name.starts_with("./"))
            name.erase(0, 2);
        if (archive_entry_filetype(entry) != AE_IFREG)
            continue;
        if (name == "oci-layout") {
            layout = true;
        } else if (name == "index.json") {
            if (archive_entry_size(entry) > static_cast<la_int64_t>(k_max_document))
                return usage_error("'{}' has an index.json too large to read", file.string());
            index.resize(static_cast<size_t>(archive_entry_size(entry)));
            if (archive_read_data(a.get(), index.data(), index.size()) !=
                static_cast<la_ssize_t>(index.size()))
                return usage_error("cannot read index.json in '{}'", file.string());
            continue;
        } else if (name.starts_with("blobs/sha256/")) {
            auto d = hash::Digest::parse("sha256:" + name.substr(13));
            if (d)
                MLCI_TRY(import_entry(store, a.get(), *d, file, reporter, bytes));
            continue;
        }
        archive_read_data_skip(a.get());
    }
    if (!layout || index.empty())
        return usage_error("'{}' is not an OCI archive (no oci-layout or index.json)",
                           file.string());
    return parse_index(index, file.string() + ":index.json");
}

} // namespace mlci::oci
