#include "cli_tree.hpp"

#include <algorithm>

namespace mlci::cli {

std::vector<CLI::App*> visible_subcommands(const CLI::App* app) {
    return const_cast<CLI::App*>(app)->get_subcommands(
        [](CLI::App* s) { return !s->get_group().empty(); });
}

std::vector<FlagInfo> flags_of(const CLI::App* app) {
    std::vector<FlagInfo> out;
    for (const CLI::Option* o : app->get_options()) {
        if (o->get_group().empty())
            continue;
        FlagInfo f;
        for (auto& s : o->get_snames())
            f.shorts.push_back("-" + s);
        for (auto& l : o->get_lnames())
            f.longs.push_back("--" + l);
        f.positional = o->get_positional() && f.shorts.empty() && f.longs.empty();
        if (f.positional)
            f.longs.clear();
        if (o->get_expected_max() != 0 || f.positional) {
            f.value = o->get_type_name();
            if (f.value.empty() || f.value == "TEXT" || f.value == "TEXT:FILE")
                f.value =
                    f.positional || f.longs.empty() ? o->get_name() : f.longs.front().substr(2);
            if (f.value == "UINT" || f.value == "INT")
                f.value = "N";
            std::transform(f.value.begin(), f.value.end(), f.value.begin(),
                           [](unsigned char c) { return std::toupper(c); });
        }
        f.description = o->get_description();
        f.required = o->get_required();
        f.many = o->get_expected_max() > 1;
        out.push_back(std::move(f));
    }
    return out;
}

std::string command_path(const CLI::App* app) {
    std::vector<std::string> parts;
    for (auto* a = app; a; a = a->get_parent())
        parts.push_back(a->get_name());
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        out += (out.empty() ? "" : " ") + *it;
    return out;
}

std::vector<CLI::App*> all_commands(CLI::App* app) {
    std::vector<CLI::App*> out{app};
    for (auto* s : visible_subcommands(app)) {
        auto sub = all_commands(s);
        out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
}

} // namespace mlci::cli
