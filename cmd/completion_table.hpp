// The completion scripts' view of the command tree, shared by the bash
// generator (completion.cpp) and the zsh and fish ones (completion_shells.cpp).
#pragma once

#include "cli_tree.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlci::cli {

// For each command: its path after "mlci" ("" for the root, "data-version add"),
// its subcommands, its flags, and which flags take a value.
struct CompletionEntry {
    std::string path;
    std::vector<std::string> subcommands;
    std::vector<std::string> words;      // every flag spelling
    std::vector<std::string> with_value; // spellings that take a value
    std::vector<FlagInfo> flags;
    std::vector<std::pair<std::string, std::string>> described_subcommands;
    bool refs = false; // an argument is a reference: complete the store's names and tags
};

// Arguments named REF, NAME or NAME[:TAG] are store references; a remote's
// NAME (mlci remote) is not.
inline bool names_reference(const FlagInfo& f) {
    if (!f.positional)
        return false;
    return f.value.find("REF") != std::string::npos ||
           (f.value.starts_with("NAME") && f.description.find("remote") == std::string::npos);
}

inline std::vector<CompletionEntry> completion_table(CLI::App& app) {
    std::vector<CompletionEntry> out;
    for (auto* c : all_commands(&app)) {
        CompletionEntry e;
        auto path = command_path(c);
        e.path = path == "mlci" ? "" : path.substr(5);
        for (auto* s : visible_subcommands(c)) {
            e.subcommands.push_back(s->get_name());
            e.described_subcommands.emplace_back(s->get_name(), s->get_description());
        }
        for (auto& f : flags_of(c)) {
            e.refs |= names_reference(f);
            if (f.positional)
                continue;
            for (auto* names : {&f.shorts, &f.longs})
                for (auto& n : *names) {
                    e.words.push_back(n);
                    if (!f.value.empty())
                        e.with_value.push_back(n);
                }
            e.flags.push_back(f);
        }
        out.push_back(std::move(e));
    }
    return out;
}

inline std::string join_words(const std::vector<std::string>& v, const char* sep = " ") {
    std::string out;
    for (auto& s : v)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

inline std::string single_quoted(std::string_view s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The quoted paths of the commands whose arguments are references.
inline std::string reference_paths(const std::vector<CompletionEntry>& t) {
    std::vector<std::string> paths;
    for (auto& e : t)
        if (e.refs)
            paths.push_back(single_quoted(e.path));
    return join_words(paths, "|");
}

std::string zsh_completion(CLI::App& app);
std::string fish_completion(CLI::App& app);

} // namespace mlci::cli
