#include "dispatch.hpp"

#include <cerrno>
#include <cstring>
#include <mlci/core/error.hpp>
#include <unistd.h>
#include <vector>

namespace mlci::cli {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
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

    std::string best;
    size_t best_distance = 4;
    for (auto* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
        auto d = edit_distance(word, sub->get_name());
        if (d < best_distance || sub->get_name().starts_with(word)) {
            best_distance = std::min(d, best_distance);
            best = sub->get_name();
        }
    }
    auto hint = best.empty() ? std::string(" (see 'mlci --help')")
                             : fmt::format("; did you mean '{}'?", best);
    throw Failure(Error{Exit::usage, fmt::format("'{}' is not an mlci command{}", word, hint)});
}

} // namespace mlci::cli
