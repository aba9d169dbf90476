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

// The libcurl functions mlci calls, with the signatures of <curl/curl.h>.
struct Libcurl {
    decltype(&::curl_global_init) global_init;
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_perform) easy_perform;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_reset) easy_reset;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_easy_strerror) easy_strerror;
    decltype(&::curl_slist_append) slist_append;
    decltype(&::curl_slist_free_all) slist_free_all;
    decltype(&::curl_share_init) share_init;
    decltype(&::curl_share_setopt) share_setopt;
    decltype(&::curl_share_cleanup) share_cleanup;
};

// libcurl.so.4, loaded and initialised (curl_global_init) on the first call;
// a runtime error naming the library when it cannot be loaded. Thread-safe.
Result<const Libcurl*> libcurl();

// The library after a successful libcurl(): for deleters of libcurl handles,
// which exist only once it is loaded.
const Libcurl& loaded_libcurl();

} // namespace mlci::net
