#include <dlfcn.h>
#include <mlci/vcs/libgit2.hpp>

namespace mlci::vcs::detail {

namespace {

#define MLCI_STRINGIFY(x) #x
#define MLCI_SONAME(major, minor) "libgit2.so." MLCI_STRINGIFY(major) "." MLCI_STRINGIFY(minor)
// The library of the headers mlci was built with: libgit2.so.1.5 on Debian 12.
constexpr const char* k_soname = MLCI_SONAME(LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);

struct Loaded {
    Libgit2 functions{};
    std::string error; // empty when loaded

    Loaded() {
        // Never closed: libgit2 is shut down by ~Loaded at exit instead.
        void* lib = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            const char* why = ::dlerror();
            error = fmt::format("cannot load libgit2 ({}); install {}", why ? why : k_soname,
                                "libgit2-1.5");
            return;
        }
#define MLCI_LIBGIT2_RESOLVE(name)                                                                 \
    functions.name = reinterpret_cast<decltype(functions.name)>(::dlsym(lib, #name));              \
    if (!functions.name && error.empty())                                                          \
        error = fmt::format("{} has no '{}'", k_soname, #name);
        MLCI_LIBGIT2_FUNCTIONS(MLCI_LIBGIT2_RESOLVE)
#undef MLCI_LIBGIT2_RESOLVE
        if (error.empty() && functions.git_libgit2_init() < 0)
            error = "cannot initialise libgit2";
    }
    ~Loaded() {
        if (error.empty())
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
    if (!l.error.empty())
        return runtime_error("{}", l.error);
    return &l.functions;
}

const Libgit2& git2() {
    return load().functions;
}

} // namespace mlci::vcs::detail
