#include "context.hpp"

#include <filesystem>
#include <iostream>

namespace mlci::cli {

store::Store& Context::store() {
    if (!m_store) {
        std::optional<std::filesystem::path> flag;
        if (!options.store_dir.empty())
            flag = options.store_dir;
        m_store = value_or_throw(store::Store::discover(flag, std::filesystem::current_path()));
    }
    return *m_store;
}

store::IndexEntry Context::resolve(const std::string& ref) {
    return value_or_throw(store::resolve(store(), ref, std::cin));
}

} // namespace mlci::cli
