// The oci: transport: an OCI image layout directory as a remote, the
// embedded default that needs no server. Opened through store::Store, so a
// layout that is another mlci store gets the same locks and atomic index
// updates as local writes; tags are index.json ref.name annotations.
#include <cerrno>
#include <fcntl.h>
#include <mlci/core/copy.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/registry/remote.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/store.hpp>
#include <unistd.h>

namespace mlci::registry {

namespace {

std::string artifact_type_of(std::string_view bytes) {
    auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_object())
        if (auto a = j.find("artifactType"); a != j.end() && a->is_string())
            return a->get<std::string>();
    return {};
}

class LayoutRemote final : public Remote {
public:
    LayoutRemote(RemoteRef ref, store::Store layout, FileLock lock)
        : m_ref(std::move(ref)), m_layout(std::move(layout)), m_lock(std::move(lock)) {}

    std::string location() const override { return m_ref.location(); }

    Result<bool> has_blob(const store::Descriptor& d) override {
        return m_layout.has_blob(d.digest);
    }
    Result<bool> has_manifest(const hash::Digest& d) override { return m_layout.has_blob(d); }

    Result<std::optional<hash::Digest>> resolve_tag(const std::string& tag) override {
        MLCI_TRY_ASSIGN(entries, m_layout.entries());
        for (auto& e : entries)
            if (e.tag == tag)
                return std::optional<hash::Digest>(e.descriptor.digest);
        return std::optional<hash::Digest>();
    }

    Result<std::vector<std::string>> list_tags() override {
        MLCI_TRY_ASSIGN(entries, m_layout.entries());
        std::vector<std::string> tags;
        for (auto& e : entries)
            if (!e.tag.empty())
                tags.push_back(e.tag);
        return tags;
    }

    Status put_blob(const store::Descriptor& d, const fs::path& file,
                    TransferStats& stats) override {
        if (m_layout.has_blob(d.digest))
            return {};
        UniqueFd from(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!from)
            return sys_error(errno, fmt::format("cannot open '{}'", file.string()));
        auto temp = temp_path_for(m_layout.temp_dir() / "blob");
        UniqueFd to(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
        if (!to)
            return sys_error(errno, fmt::format("cannot create '{}'", temp.string()));
        auto copied =
            copy_fd(from.get(), to.get(), d.size, temp, [&](uint64_t n) { stats.moved(n); });
        if (copied && ::close(to.release()) != 0)
            copied = sys_error(errno, fmt::format("cannot write '{}'", temp.string()));
        auto target = m_layout.blob_path(d.digest);
        if (copied && ::rename(temp.c_str(), target.c_str()) != 0)
            copied = sys_error(errno, fmt::format("cannot move blob into '{}'", target.string()));
        if (!copied) {
            ::unlink(temp.c_str());
            return copied;
        }
        ++stats.blobs_uploaded;
        stats.bytes_uploaded += d.size;
        return {};
    }

    Status put_blob_data(const store::Descriptor& d, std::string_view data,
                         TransferStats& stats) override {
        if (m_layout.has_blob(d.digest))
            return {};
        MLCI_TRY(m_layout.put_blob(data, d.media_type));
        ++stats.blobs_uploaded;
        stats.bytes_uploaded += data.size();
        return {};
    }

    Status fetch_blob(const store::Descriptor& d,
                      const std::function<Status(std::string_view)>& sink,
                      TransferStats& stats) override {
        auto path = m_layout.blob_path(d.digest);
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return errno == ENOENT
                       ? runtime_error("blob '{}' is missing from '{}'", d.digest.str(), location())
                       : sys_error(errno, fmt::format("cannot open '{}'", path.string()));
        ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
        auto buf = std::make_unique_for_overwrite<char[]>(hash::k_io_chunk);
        for (;;) {
            ssize_t n = ::read(fd.get(), buf.get(), hash::k_io_chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return sys_error(errno, fmt::format("cannot read '{}'", path.string()));
            if (n == 0)
                break;
            MLCI_TRY(sink(std::string_view(buf.get(), static_cast<size_t>(n))));
            stats.bytes_downloaded += static_cast<uint64_t>(n);
            stats.moved(static_cast<uint64_t>(n));
        }
        ++stats.blobs_downloaded;
        return {};
    }

    Result<bool> fetch_range(const store::Descriptor& d, uint64_t offset, uint64_t length,
                             const std::function<Status(std::string_view)>& sink,
                             TransferStats& stats) override {
        auto path = m_layout.blob_path(d.digest);
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return errno == ENOENT
                       ? runtime_error("blob '{}' is missing from '{}'", d.digest.str(), location())
                       : sys_error(errno, fmt::format("cannot open '{}'", path.string()));
        std::string buf(length, '\0');
        MLCI_TRY(pread_all(fd.get(), buf.data(), length, offset, path));
        MLCI_TRY(sink(buf));
        stats.bytes_downloaded += length;
        stats.moved(length);
        return true;
    }

    Result<RawManifest> get_manifest(const std::string& reference) override {
        MLCI_TRY_ASSIGN(entries, m_layout.entries());
        RawManifest m;
        hash::Digest digest;
        if (reference.starts_with("sha256:")) {
            MLCI_TRY_ASSIGN(d, hash::Digest::parse(reference));
            digest = d;
        } else {
            for (auto& e : entries)
                if (e.tag == reference)
                    digest = m.claimed = e.descriptor.digest;
            if (digest.empty())
                return usage_error("no tag '{}' in '{}'", reference, location());
        }
        for (auto& e : entries)
            if (e.descriptor.digest == digest)
                m.media_type = e.descriptor.media_type;
        auto path = m_layout.blob_path(digest);
        if (!m_layout.has_blob(digest))
            return usage_error("'{}@{}' is not in the layout", location(), digest.str());
        MLCI_TRY_ASSIGN(bytes, read_file(path));
        if (bytes.size() > (4u << 20))
            return usage_error("manifest '{}' in '{}' is larger than 4 MiB", digest.str(),
                               location());
        m.bytes = std::move(bytes);
        m.digest = hash::sha256_of(m.bytes);
        if (m.media_type.empty()) {
            auto j = nlohmann::json::parse(m.bytes, nullptr, false);
            // Not j.value(): it throws when mediaType is there but not a string.
            auto t = j.is_object() ? j.find("mediaType") : j.end();
            m.media_type =
                t != j.end() && t->is_string() ? t->get<std::string>() : store::k_oci_manifest;
        }
        return m;
    }

    Result<bool> put_manifest(const RawManifest& m) override {
        MLCI_TRY(m_layout.put_blob(m.bytes, m.media_type));
        return false; // a layout lists referrers in index.json: add_referrers does
    }

    Status tag_manifest(const RawManifest& m, const std::string& tag) override {
        return m_layout.add_to_index(descriptor_of(m), {tag});
    }

    Result<std::vector<store::Descriptor>> referrers(const store::Descriptor& subject) override {
        MLCI_TRY_ASSIGN(entries, m_layout.entries());
        std::vector<store::Descriptor> out;
        for (auto& e : entries) {
            if (e.descriptor.media_type != store::k_oci_manifest || e.descriptor.size > (4u << 20))
                continue;
            auto text = read_file(m_layout.blob_path(e.descriptor.digest));
            if (!text || text->find("\"subject\"") == std::string::npos)
                continue;
            auto parsed = store::parse_manifest(*text, e.descriptor.digest.str());
            if (parsed && parsed->subject && parsed->subject->digest == subject.digest) {
                auto d = e.descriptor;
                d.annotations.erase(store::k_ann_ref_name);
                out.push_back(std::move(d));
            }
        }
        return out;
    }

    Status add_referrers(const store::Descriptor&,
                         const std::vector<store::Descriptor>& refs) override {
        for (auto& r : refs)
            MLCI_TRY(m_layout.add_to_index(r, {}));
        return {};
    }

    Status flush() override { return m_layout.sync(); }
    uint64_t retries() const override { return 0; }

private:
    static store::Descriptor descriptor_of(const RawManifest& m) {
        return {m.media_type, m.digest, m.bytes.size(), artifact_type_of(m.bytes), {}, {}};
    }

    RemoteRef m_ref;
    store::Store m_layout;
    FileLock m_lock; // the layout's writer lock: its gc waits for us
};

} // namespace

Result<std::unique_ptr<Remote>> make_layout_remote(const RemoteRef& ref,
                                                   const RemoteOptions& options) {
    std::error_code ec;
    bool is_layout = fs::is_regular_file(ref.path / "oci-layout", ec);
    if (options.access == Access::pull && !is_layout)
        return usage_error("'{}' is not an OCI image layout (no oci-layout file)",
                           ref.path.string());
    auto layout = is_layout ? store::Store::open(ref.path) : store::Store::init(ref.path);
    if (!layout)
        return std::unexpected(layout.error());
    MLCI_TRY_ASSIGN(lock, layout->writer_lock());
    return std::make_unique<LayoutRemote>(ref, std::move(*layout), std::move(lock));
}

Result<std::unique_ptr<Remote>> make_remote(const RemoteRef& ref, const RemoteOptions& options) {
    if (ref.kind == RemoteRef::Kind::layout)
        return make_layout_remote(ref, options);
    return make_registry_remote(ref, options);
}

} // namespace mlci::registry
