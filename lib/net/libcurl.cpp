#include <dlfcn.h>
#include <mlci/net/libcurl.hpp>

namespace mlci::net {

namespace {

// Looks up every function; false (with `why`) when one is missing.
bool resolve(void* lib, Libcurl& c, std::string& why) {
#define MLCI_LIBCURL_RESOLVE(member, symbol)                                                       \
    c.member = reinterpret_cast<decltype(c.member)>(::dlsym(lib, #symbol));                        \
    if (!c.member) {                                                                               \
        why = fmt::format("libcurl has no '{}'", #symbol);                                         \
        return false;                                                                              \
    }
    MLCI_LIBCURL_FUNCTIONS(MLCI_LIBCURL_RESOLVE)
#undef MLCI_LIBCURL_RESOLVE
    return true;
}

struct Loaded {
    Libcurl functions{};
    std::string error; // empty when loaded
};

const Loaded& load() {
    static const Loaded loaded = [] {
        Loaded l;
        // Never closed: handles and callbacks live until exit.
        void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            const char* why = ::dlerror();
            l.error = fmt::format("cannot load libcurl ({}); install libcurl4",
                                  why ? why : "libcurl.so.4");
            return l;
        }
        if (!resolve(lib, l.functions, l.error))
            return l;
        if (auto rc = l.functions.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK)
            l.error = fmt::format("cannot initialise libcurl: {}", l.functions.easy_strerror(rc));
        return l;
    }();
    return loaded;
}

} // namespace

Result<const Libcurl*> libcurl() {
    auto& l = load();
    if (!l.error.empty())
        return runtime_error("{}", l.error);
    return &l.functions;
}

const Libcurl& loaded_libcurl() {
    return load().functions;
}

} // namespace mlci::net
