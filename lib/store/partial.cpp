#include <cerrno>
#include <mlci/core/fs.hpp>
#include <mlci/store/partial.hpp>
#include <unistd.h>

namespace mlci::store {

fs::path partial_dir(const Store& store) {
    return store.root() / "mlci" / "partial";
}

Status mark_partial(const Store& store, const hash::Digest& file_list) {
    std::error_code ec;
    fs::create_directories(partial_dir(store), ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", partial_dir(store).string(), ec.message());
    return write_file_atomic(partial_dir(store) / file_list.hex(), "");
}

bool is_partial(const Store& store, const hash::Digest& file_list) {
    return ::access((partial_dir(store) / file_list.hex()).c_str(), F_OK) == 0;
}

Status clear_partial(const Store& store, const hash::Digest& file_list) {
    auto mark = partial_dir(store) / file_list.hex();
    if (::unlink(mark.c_str()) != 0 && errno != ENOENT)
        return sys_error(errno, fmt::format("cannot remove '{}'", mark.string()));
    return {};
}

} // namespace mlci::store
