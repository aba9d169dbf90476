// Shared libraries loaded with dlopen on first use rather than linked: what
// lib/net/libcurl and lib/vcs/libgit2 share. Debian builds those libraries,
// and the ~40 under them, with BIND_NOW; linked, their symbols would be
// resolved at the start of every command, even of those that never use them.
#pragma once

#include <mlci/core/error.hpp>
#include <string_view>

namespace mlci {

// Opens `soname` (never closed: handles and callbacks live until exit); a
// runtime error naming the Debian package to install when it cannot.
Result<void*> open_shared_library(const char* soname, std::string_view package);

// The address of `symbol` in `library`; a runtime error naming both when it
// is missing (a library older than the headers mlci was built with).
Result<void*> find_symbol(void* library, const char* soname, const char* symbol);

} // namespace mlci
