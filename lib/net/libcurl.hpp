// libcurl, loaded when the first HTTP request is made, not at start-up.
//
// Why: Debian builds libcurl and the ~30 libraries it pulls in (GnuTLS,
// OpenLDAP, Kerberos, nghttp2, librtmp, ...) with BIND_NOW, so when mlci links
// it the dynamic loader resolves all their symbols before main() of every
// command: about half the start-up time of `mlci --version`, paid by
// `data-version status` and `show` too, which never touch the network.
// Loaded with dlopen, only push, pull, login and URL health checks pay it.
#pragma once

#include <curl/curl.h>
#include <mlci/core/error.hpp>

namespace mlci::net {

// The libcurl functions mlci calls: X(member, symbol).
#define MLCI_LIBCURL_FUNCTIONS(X)                                                                  \
    X(global_init, curl_global_init)                                                               \
    X(easy_init, curl_easy_init)                                                                   \
    X(easy_setopt, curl_easy_setopt)                                                               \
    X(easy_perform, curl_easy_perform)                                                             \
    X(easy_getinfo, curl_easy_getinfo)                                                             \
    X(easy_reset, curl_easy_reset)                                                                 \
    X(easy_cleanup, curl_easy_cleanup)                                                             \
    X(easy_strerror, curl_easy_strerror)                                                           \
    X(slist_append, curl_slist_append)                                                             \
    X(slist_free_all, curl_slist_free_all)                                                         \
    X(share_init, curl_share_init)                                                                 \
    X(share_setopt, curl_share_setopt)                                                             \
    X(share_cleanup, curl_share_cleanup)

// Pointers to them, with the signatures of <curl/curl.h>.
struct Libcurl {
#define MLCI_LIBCURL_POINTER(member, symbol) decltype(&::symbol) member;
    MLCI_LIBCURL_FUNCTIONS(MLCI_LIBCURL_POINTER)
#undef MLCI_LIBCURL_POINTER
};

// libcurl.so.4, loaded and initialised (curl_global_init) on the first call;
// a runtime error naming the library when it cannot be loaded. Thread-safe.
Result<const Libcurl*> libcurl();

// The library after a successful libcurl(): for deleters of libcurl handles,
// which exist only once it is loaded.
const Libcurl& loaded_libcurl();

} // namespace mlci::net
