#include "dispatch.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mlci/core/error.hpp>
#include <unistd.h>
#include <vector>

namespace mlci::cli {

size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: rows i-2, i-1 and i of the table.
    std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                row[j] = std::min(row[j], before[j - 2] + 1);
        }
        before = prev;
        prev = row;
    }
    return prev[b.size()];
}

std::string close_name(std::string_view word, const std::vector<std::string>& names) {
    std::string best;
    size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
    for (auto& name : names) {
        auto d = edit_distance(word, name);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    if (best.empty() && word.size() >= 3)
        for (auto& name : names)
            if (name.starts_with(word))
                return name;
    return best;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
    std::vector<std::string> out;
    for (auto* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        out.push_back(sub->get_name());
    return out;
}

std::optional<int> dispatch_external(CLI::App& app, int argc, char** argv) {
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--store") {
            ++i; // skip its value
            continue;
        }
        if (arg == "--")
            return {};
        if (!arg.starts_with("-"))
            break;
    }
    if (i >= argc)
        return {};
    std::string word = argv[i];
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        if (sub->check_name(word))
            return {};

    auto program = "mlci-" + word;
    std::vector<char*> args{program.data()};
    for (int k = i + 1; k < argc; ++k)
        args.push_back(argv[k]);
    args.push_back(nullptr);
    ::execvp(program.c_str(), args.data());
    if (errno != ENOENT)
        throw Failure(Error{Exit::runtime,
                            fmt::format("cannot run '{}': {}", program, std::strerror(errno))});

    auto best = close_name(word, subcommand_names(app));
    auto hint = best.empty() ? std::string(" (see 'mlci --help')")
                             : fmt::format("; did you mean '{}'?", best);
    throw Failure(Error{Exit::usage, fmt::format("'{}' is not an mlci command{}", word, hint)});
}

} // namespace mlci::cli
