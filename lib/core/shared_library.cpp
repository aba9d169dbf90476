#include <dlfcn.h>
#include <mlci/core/shared_library.hpp>

namespace mlci {

Result<void*> open_shared_library(const char* soname, std::string_view package) {
    void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* why = ::dlerror();
        return runtime_error("cannot load {} ({}); install {}", soname, why ? why : "not found",
                             package);
    }
    return library;
}

Result<void*> find_symbol(void* library, const char* soname, const char* symbol) {
    void* address = ::dlsym(library, symbol);
    if (!address)
        return runtime_error("{} has no '{}'", soname, symbol);
    return address;
}

} // namespace mlci
