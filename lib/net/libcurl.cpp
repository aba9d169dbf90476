#include <mlci/core/shared_library.hpp>
#include <mlci/net/libcurl.hpp>

namespace mlci::net {

namespace {

constexpr const char* k_soname = "libcurl.so.4";

// Loads libcurl, looks up every function and initialises it.
Status load_into(Libcurl& c) {
    MLCI_TRY_ASSIGN(library, open_shared_library(k_soname, "libcurl4"));
#define MLCI_LIBCURL_RESOLVE(member, symbol)                                                       \
    {                                                                                              \
        MLCI_TRY_ASSIGN(address, find_symbol(library, k_soname, #symbol));                         \
        c.member = reinterpret_cast<decltype(c.member)>(address);                                  \
    }
    MLCI_LIBCURL_FUNCTIONS(MLCI_LIBCURL_RESOLVE)
#undef MLCI_LIBCURL_RESOLVE
    if (auto rc = c.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK)
        return runtime_error("cannot initialise libcurl: {}", c.easy_strerror(rc));
    return {};
}

struct Loaded {
    Libcurl functions{};
    Status status = load_into(functions);
};

const Loaded& load() {
    static const Loaded loaded;
    return loaded;
}

} // namespace

Result<const Libcurl*> libcurl() {
    auto& l = load();
    if (!l.status)
        return std::unexpected(l.status.error());
    return &l.functions;
}

const Libcurl& loaded_libcurl() {
    return load().functions;
}

} // namespace mlci::net
