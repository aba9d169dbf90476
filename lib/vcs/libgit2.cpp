#include <mlci/core/shared_library.hpp>
#include <mlci/vcs/libgit2.hpp>

namespace mlci::vcs::detail {

namespace {

#define MLCI_STRINGIFY(x) #x
#define MLCI_SONAME(major, minor) "libgit2.so." MLCI_STRINGIFY(major) "." MLCI_STRINGIFY(minor)
// The library of the headers mlci was built with: libgit2.so.1.5 on Debian 12.
constexpr const char* k_soname = MLCI_SONAME(LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);

// Loads libgit2, looks up every function and initialises it.
Status load_into(Libgit2& g) {
    MLCI_TRY_ASSIGN(library, open_shared_library(k_soname, "libgit2-1.5"));
#define MLCI_LIBGIT2_RESOLVE(name)                                                                 \
    {                                                                                              \
        MLCI_TRY_ASSIGN(address, find_symbol(library, k_soname, #name));                           \
        g.name = reinterpret_cast<decltype(g.name)>(address);                                      \
    }
    MLCI_LIBGIT2_FUNCTIONS(MLCI_LIBGIT2_RESOLVE)
#undef MLCI_LIBGIT2_RESOLVE
    if (g.git_libgit2_init() < 0)
        return runtime_error("cannot initialise libgit2");
    return {};
}

struct Loaded {
    Libgit2 functions{};
    Status status = load_into(functions);

    // libgit2 counts its inits: the one made at load is undone at exit.
    ~Loaded() {
        if (status)
            functions.git_libgit2_shutdown();
    }
};

const Loaded& load() {
    static const Loaded loaded;
    return loaded;
}

} // namespace

Result<const Libgit2*> load_libgit2() {
    auto& l = load();
    if (!l.status)
        return std::unexpected(l.status.error());
    return &l.functions;
}

const Libgit2& git2() {
    return load().functions;
}

std::string last_error_message() {
    const git_error* e = git2().git_error_last();
    return e && e->message ? e->message : "unknown libgit2 error";
}

std::string oid_hex(const git_oid& oid) {
    char hex[GIT_OID_HEXSZ + 1];
    git2().git_oid_tostr(hex, sizeof hex, &oid);
    return hex;
}

Result<std::optional<Repo>> open_repository(const std::filesystem::path& dir) {
    MLCI_TRY(load_libgit2());
    git_repository* raw = nullptr;
    int rc = git2().git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
    if (rc == GIT_ENOTFOUND)
        return std::optional<Repo>{};
    if (rc != 0)
        return runtime_error("cannot open git repository at '{}': {}", dir.string(),
                             last_error_message());
    return std::optional<Repo>(Repo(raw));
}

} // namespace mlci::vcs::detail
