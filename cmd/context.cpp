#include "context.hpp"

#include <algorithm>
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

size_t Context::words_after_separator() const {
    auto it = std::find(args.begin(), args.end(), "--");
    return it == args.end() ? 0 : static_cast<size_t>(args.end() - it - 1);
}

std::vector<std::string> Context::exact_tags(const std::vector<std::string>& tags) {
    std::vector<std::string> out;
    for (auto& t : tags)
        if (t.find(':') != std::string::npos)
            out.push_back(t);
    return out;
}

std::string Context::tag_versions(const store::Descriptor& d,
                                  const std::vector<std::string>& tags) {
    std::string first;
    for (auto& t : tags) {
        auto applied =
            t.find(':') != std::string::npos ? t : value_or_throw(store().tag_next_version(d, t));
        if (first.empty())
            first = applied;
    }
    return first.empty() ? d.digest.str() : first;
}

void Context::check_tag_kinds(const std::vector<std::string>& tags, std::string_view type) {
    for (auto& t : tags) {
        value_or_throw(store::validate_tag(t));
        if (t.find(':') == std::string::npos)
            value_or_throw(store::check_name_kind(store(), t, type));
    }
}

store::IndexEntry Context::resolve(const std::string& ref) {
    return value_or_throw(store::resolve(store(), ref, std::cin));
}

} // namespace mlci::cli
