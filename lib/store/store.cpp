#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/store.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::store {

namespace {

constexpr const char* k_layout = R"({"imageLayoutVersion":"1.0.0"})";

bool is_store(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "oci-layout", ec) && fs::is_directory(dir / "blobs", ec);
}

} // namespace

Result<Store> Store::init(const fs::path& dir) {
    std::error_code ec;
    for (auto sub : {"blobs/sha256", "mlci/tmp", "mlci/cache", "mlci/locks"}) {
        fs::create_directories(dir / sub, ec);
        if (ec)
            return runtime_error("cannot create '{}': {}", (dir / sub).string(), ec.message());
    }
    if (!fs::exists(dir / "oci-layout"))
        MLCI_TRY(write_file_atomic(dir / "oci-layout", k_layout));
    if (!fs::exists(dir / "index.json"))
        MLCI_TRY(write_file_atomic(dir / "index.json", R"({"schemaVersion":2,"mediaType":")" +
                                                           std::string(k_oci_index) +
                                                           R"(","manifests":[]})"));
    return Store(fs::absolute(dir).lexically_normal());
}

Result<Store> Store::open(const fs::path& dir) {
    if (!is_store(dir))
        return usage_error("'{}' is not an mlci store (run 'mlci init')", dir.string());
    // A store copied in by a CI cache or an OCI tool may lack mlci's folders.
    std::error_code ec;
    for (auto sub : {"mlci/tmp", "mlci/cache", "mlci/locks"})
        fs::create_directories(dir / sub, ec);
    return Store(fs::absolute(dir).lexically_normal());
}

fs::path Store::given_store(const fs::path& dir) {
    if (!is_store(dir) && is_store(dir / ".mlci"))
        return dir / ".mlci";
    return dir;
}

Result<Store> Store::discover(const std::optional<fs::path>& flag, const fs::path& cwd) {
    if (flag && !flag->empty())
        return open(given_store(*flag));
    if (const char* env = std::getenv("MLCI_STORE"); env && *env)
        return open(given_store(env));
    for (fs::path dir = fs::absolute(cwd);; dir = dir.parent_path()) {
        if (is_store(dir / ".mlci"))
            return open(dir / ".mlci");
        if (dir == dir.root_path() || dir.empty())
            break;
    }
    return usage_error("no store found in '{}' or above (run 'mlci init')", cwd.string());
}

fs::path Store::blob_path(const hash::Digest& d) const {
    return m_root / "blobs" / "sha256" / std::string(d.hex());
}

fs::path Store::lock_path(std::string_view name) const {
    return m_root / "mlci" / "locks" / fmt::format("{}.lock", name);
}

bool Store::has_blob(const hash::Digest& d) const {
    struct stat st {};
    return ::stat(blob_path(d).c_str(), &st) == 0;
}

void Store::freshen(const hash::Digest& d) const {
    ::utimensat(AT_FDCWD, blob_path(d).c_str(), nullptr, 0);
}

Result<Descriptor> Store::put_blob(std::string_view data, std::string media_type) {
    auto digest = hash::sha256_of(data);
    Descriptor desc{std::move(media_type), digest, data.size(), {}, {}, {}};
    if (has_blob(digest)) {
        freshen(digest);
        return desc;
    }
    // Written in the store's temporary folder: a kill before the rename
    // leaves a file there, for gc, not a stray one among the blobs.
    MLCI_TRY(write_file_atomic_via(temp_dir(), blob_path(digest), data, /*durable=*/false, 0444));
    return desc;
}

Result<std::string> Store::read_blob(const hash::Digest& d) const {
    auto data = read_file(blob_path(d));
    if (!data) {
        if (!has_blob(d))
            return usage_error("blob '{}' is missing from the store '{}'", d.str(),
                               m_root.string());
        return data;
    }
    if (hash::sha256_of(*data) != d)
        return runtime_error("blob '{}' is corrupt (its content does not match its digest; run "
                             "'mlci verify')",
                             d.str());
    return data;
}

Result<Descriptor> Store::put_manifest(const Manifest& m) {
    auto text = canonical(to_json(m));
    MLCI_TRY_ASSIGN(desc, put_blob(text, m.media_type.empty() ? k_oci_manifest : m.media_type));
    desc.artifact_type = m.artifact_type;
    return desc;
}

Result<Manifest> Store::read_manifest(const hash::Digest& d) const {
    MLCI_TRY_ASSIGN(text, read_blob(d));
    return parse_manifest(text, d.str());
}

Status Store::sync() const {
    UniqueFd fd(::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open store '{}'", m_root.string()));
    if (::syncfs(fd.get()) != 0)
        return sys_error(errno, fmt::format("cannot sync store '{}'", m_root.string()));
    return {};
}

Result<FileLock> Store::writer_lock() const {
    return FileLock::acquire(lock_path("gc"), FileLock::Mode::shared);
}

Result<FileLock> Store::gc_lock() const {
    return FileLock::acquire(lock_path("gc"), FileLock::Mode::exclusive);
}

Result<FileLock> Store::index_lock() const {
    return FileLock::acquire(lock_path("index"), FileLock::Mode::exclusive);
}

} // namespace mlci::store
