#include <dlfcn.h>
#include <mlci/net/libcurl.hpp>

namespace mlci::net {

namespace {

// Looks up every function; false (with `why`) when one is missing.
bool resolve(void* lib, Libcurl& c, std::string& why) {
    bool ok = true;
    auto find = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
        if (!fn && ok) {
            why = fmt::format("libcurl has no '{}'", name);
            ok = false;
        }
    };
    find(c.global_init, "curl_global_init");
    find(c.easy_init, "curl_easy_init");
    find(c.easy_setopt, "curl_easy_setopt");
    find(c.easy_perform, "curl_easy_perform");
    find(c.easy_getinfo, "curl_easy_getinfo");
    find(c.easy_reset, "curl_easy_reset");
    find(c.easy_cleanup, "curl_easy_cleanup");
    find(c.easy_strerror, "curl_easy_strerror");
    find(c.slist_append, "curl_slist_append");
    find(c.slist_free_all, "curl_slist_free_all");
    find(c.share_init, "curl_share_init");
    find(c.share_setopt, "curl_share_setopt");
    find(c.share_cleanup, "curl_share_cleanup");
    return ok;
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
