#include <mlci/core/archive.hpp>
#include <mlci/deploy/unpack.hpp>
#include <mlci/hash/file_hash.hpp>
#include <optional>

namespace mlci::deploy {

namespace fs = std::filesystem;

namespace {

// "./a/b/" -> "a/b"
std::string normalise(std::string_view path) {
    while (path.starts_with("./"))
        path.remove_prefix(2);
    while (path.size() > 1 && path.ends_with('/'))
        path.remove_suffix(1);
    return std::string(path);
}

// Whether a folder on the way from `dir` to `rel` (and `rel` itself when
// `last`) is a symlink. A path through one may resolve outside `dir` even
// when each link looked safe on its own: "a/b -> .." and "c/d -> ../a/b/.."
// are both lexically inside, yet "c/d" is the folder above `dir`.
bool crosses_symlink(const fs::path& dir, const fs::path& rel, bool last) {
    fs::path at = dir;
    auto end = rel.end();
    if (!last && !rel.empty())
        --end;
    for (auto it = rel.begin(); it != end; ++it) {
        at /= *it;
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(at, ec)))
            return true;
    }
    return false;
}

// The first symlink under `dir` that resolves outside it, if any. Checked
// after each layer: what a link means changes when a later entry turns one
// of the folders on its way into a link.
std::optional<fs::path> escaping_link(const fs::path& dir) {
    std::error_code ec;
    auto root = fs::canonical(dir, ec);
    if (ec)
        return fs::path();
    for (auto it = fs::recursive_directory_iterator(
             dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code lec;
        if (!it->is_symlink(lec))
            continue;
        auto resolved = fs::weakly_canonical(it->path(), lec);
        if (lec) // a loop resolves nowhere, so it cannot lead out either
            continue;
        auto rel = resolved.lexically_relative(root);
        if (rel.empty() || *rel.begin() == "..")
            return it->path().lexically_relative(dir);
    }
    return std::nullopt;
}

// Removes what a whiteout entry hides: ".wh.NAME" hides NAME; ".wh..wh..opq"
// hides everything lower layers put in its folder.
Status apply_whiteout(const fs::path& dir, const fs::path& entry, std::string_view what) {
    auto name = entry.filename().string();
    // ".wh..." would hide "..": the folder above the entry's, outside the
    // release for a top-level entry.
    auto hidden = name.substr(4);
    if (name != ".wh..wh..opq" && (hidden.empty() || hidden == "." || hidden == ".."))
        return usage_error("{}: refused: whiteout '{}' hides no file", what, entry.string());
    if (crosses_symlink(dir, entry, false))
        return usage_error("{}: refused: whiteout '{}' goes through a symlink", what,
                           entry.string());
    std::error_code ec;
    if (name == ".wh..wh..opq") {
        auto folder = dir / entry.parent_path();
        if (fs::is_directory(folder, ec))
            for (auto& child : fs::directory_iterator(folder, ec))
                fs::remove_all(child.path(), ec);
    } else {
        fs::remove_all(dir / entry.parent_path() / hidden, ec);
    }
    if (ec)
        return runtime_error("cannot apply whiteout {}: {}", entry.string(), ec.message());
    return {};
}

} // namespace

bool safe_entry_path(std::string_view path) {
    if (path.empty() || path.front() == '/')
        return false;
    for (auto& part : fs::path(path))
        if (part == "..")
            return false;
    return true;
}

bool safe_link_target(std::string_view path, std::string_view target) {
    if (target.empty() || target.front() == '/')
        return false;
    // Resolve lexically from the link's folder; going above the root at any
    // step escapes, even if a later component comes back.
    int depth = 0;
    for (auto& part : fs::path(path).parent_path())
        if (part != "." && !part.empty())
            ++depth;
    for (auto& part : fs::path(target)) {
        if (part == "..") {
            if (--depth < 0)
                return false;
        } else if (part != "." && !part.empty()) {
            ++depth;
        }
    }
    return true;
}

Result<UnpackStats> unpack_layer(const fs::path& tar, const fs::path& dir, std::string_view what) {
    ArchiveReader in(archive_read_new());
    archive_read_support_filter_gzip(in.get());
    archive_read_support_filter_zstd(in.get());
    archive_read_support_format_tar(in.get());
    if (archive_read_open_filename(in.get(), tar.c_str(), 1 << 20) != ARCHIVE_OK)
        return runtime_error("{}: cannot open: {}", what, archive_error_text(in.get()));
    ArchiveWriter out(archive_write_disk_new());
    // Our own checks come first; libarchive's secure flags are the second wall
    // (no writing through symlinks, no `..`). Owners are not restored.
    archive_write_disk_set_options(
        out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                       ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_UNLINK);
    UnpackStats stats;
    for (;;) {
        archive_entry* entry = nullptr;
        int r = archive_read_next_header(in.get(), &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            return runtime_error("{}: corrupt layer: {}", what, archive_error_text(in.get()));
        const char* raw = archive_entry_pathname(entry);
        std::string name = normalise(raw ? raw : "");
        if (name == "." || name.empty())
            continue;
        if (!safe_entry_path(name))
            return usage_error("{}: refused: entry '{}' leaves the release (absolute path or "
                               "'..')",
                               what, raw ? raw : "");
        auto type = archive_entry_filetype(entry);
        if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
            return usage_error("{}: refused: entry '{}' is a device, FIFO or socket", what, name);
        if (fs::path(name).filename().string().starts_with(".wh.")) {
            MLCI_TRY(apply_whiteout(dir, name, what));
            ++stats.whiteouts;
            continue;
        }
        if (type == AE_IFLNK) {
            const char* target = archive_entry_symlink(entry);
            if (!target || !safe_link_target(name, target))
                return usage_error("{}: refused: symlink '{}' -> '{}' leaves the release", what,
                                   name, target ? target : "");
            ++stats.links;
        }
        if (const char* hard = archive_entry_hardlink(entry)) {
            auto target = normalise(hard);
            // A hard link to a symlink is a copy of it in another folder,
            // where its relative target may lead out.
            if (!safe_entry_path(target) || crosses_symlink(dir, target, true))
                return usage_error("{}: refused: hard link '{}' -> '{}' leaves the release", what,
                                   name, hard);
            archive_entry_set_hardlink(entry, (dir / target).c_str());
            ++stats.links;
        }
        archive_entry_set_pathname(entry, (dir / name).c_str());
        archive_entry_set_perm(entry, archive_entry_perm(entry) & 07777 & ~06000); // no set-id
        if (archive_write_header(out.get(), entry) < ARCHIVE_WARN)
            return runtime_error("{}: cannot write {}: {}", what, name,
                                 archive_error_with_reason(out.get()));
        if (type == AE_IFDIR)
            ++stats.dirs;
        else if (type == AE_IFREG && !archive_entry_hardlink(entry))
            ++stats.files;
        const void* buf = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        while ((r = archive_read_data_block(in.get(), &buf, &size, &offset)) == ARCHIVE_OK) {
            // A failed write(2) (a full disk) is only a warning to libarchive:
            // for a release it is fatal, a short file must not go live.
            if (archive_write_data_block(out.get(), buf, size, offset) != ARCHIVE_OK)
                return runtime_error("{}: cannot write {}: {}", what, name,
                                     archive_error_with_reason(out.get()));
            stats.bytes += size;
        }
        if (r != ARCHIVE_EOF)
            return runtime_error("{}: corrupt layer at {}: {}", what, name,
                                 archive_error_text(in.get()));
        if (archive_write_finish_entry(out.get()) != ARCHIVE_OK)
            return runtime_error("{}: cannot finish {}: {}", what, name,
                                 archive_error_with_reason(out.get()));
    }
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        return runtime_error("{}: cannot finish writing: {}", what,
                             archive_error_with_reason(out.get()));
    if (auto link = escaping_link(dir))
        return usage_error("{}: refused: symlink '{}' resolves outside the release", what,
                           link->string());
    return stats;
}

Result<UnpackStats> unpack_image(const store::Store& store, const store::Manifest& m,
                                 const fs::path& dir) {
    UnpackStats total;
    int n = 0;
    for (auto& layer : m.layers) {
        ++n;
        if (!store.has_blob(layer.digest))
            return runtime_error("layer {} ({}) is missing from the store: pull the package again",
                                 n, layer.digest.short_hex());
        auto what = fmt::format("layer {} ({})", n, layer.digest.short_hex());
        // What is deployed must be what was validated and signed: a blob
        // changed on disk after it was stored is refused, not unpacked.
        MLCI_TRY_ASSIGN(hashed, hash::sha256_file(store.blob_path(layer.digest)));
        if (hashed.digest != layer.digest)
            return runtime_error("{}: the stored blob does not match its digest (it is {}); run "
                                 "`mlci verify` and pull the package again",
                                 what, hashed.digest.short_hex());
        MLCI_TRY_ASSIGN(s, unpack_layer(store.blob_path(layer.digest), dir, what));
        total.files += s.files;
        total.dirs += s.dirs;
        total.links += s.links;
        total.bytes += s.bytes;
        total.whiteouts += s.whiteouts;
    }
    return total;
}

} // namespace mlci::deploy
