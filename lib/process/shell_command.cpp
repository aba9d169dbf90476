#include <algorithm>
#include <cctype>
#include <iterator>
#include <mlci/process/process.hpp>
#include <mlci/process/shell_command.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mlci::process {

namespace {

// Characters that mean nothing to sh outside quotes. Anything else (quotes,
// $, `, \, globs, ~, redirections, |, &, ;, parentheses, braces, #, newlines)
// may change what runs.
bool plain(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || std::string_view("-_./:,+=@%").find(c) != std::string_view::npos ||
           c == ' ' || c == '\t' || u >= 0x80;
}

bool is_assignment(std::string_view word) {
    auto eq = word.find('=');
    if (eq == 0 || eq == std::string_view::npos)
        return false;
    auto name = word.substr(0, eq);
    if (std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Builtins (POSIX, dash and bash) and keywords: no file in PATH has them.
bool shell_word(std::string_view word) {
    static constexpr std::string_view k_words[] = {
        ".",        ":",        "alias",  "bg",     "break",   "cd",     "command", "continue",
        "echo",     "eval",     "exec",   "exit",   "export",  "false",  "fc",      "fg",
        "getopts",  "hash",     "jobs",   "kill",   "local",   "newgrp", "printf",  "pwd",
        "read",     "readonly", "return", "set",    "shift",   "test",   "times",   "trap",
        "true",     "type",     "ulimit", "umask",  "unalias", "unset",  "wait",    "source",
        "case",     "do",       "done",   "elif",   "else",    "esac",   "fi",      "for",
        "function", "if",       "in",     "select", "then",    "time",   "until",   "while"};
    return std::find(std::begin(k_words), std::end(k_words), word) != std::end(k_words);
}

} // namespace

std::optional<std::string> simple_command_program(std::string_view line) {
    if (!std::all_of(line.begin(), line.end(), plain))
        return {};
    size_t i = 0;
    while (i < line.size()) {
        auto b = line.find_first_not_of(" \t", i);
        if (b == std::string_view::npos)
            break;
        auto e = line.find_first_of(" \t", b);
        auto word = line.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
        i = e == std::string_view::npos ? line.size() : e;
        if (is_assignment(word)) {
            if (word.starts_with("PATH="))
                return {}; // the program is looked up in a PATH of the line's own
            continue;
        }
        if (shell_word(word))
            return {};
        return std::string(word);
    }
    return {};
}

Status check_shell_program(std::string_view line, std::string_view path, const fs::path& cwd) {
    auto program = simple_command_program(line);
    if (!program)
        return {};
    if (program->find('/') != std::string::npos) {
        auto abs = fs::path(*program).is_absolute() ? fs::path(*program) : cwd / *program;
        struct stat st {};
        if (::stat(abs.c_str(), &st) != 0)
            return std::unexpected(
                Error{Exit::runtime, fmt::format("command '{}' not found (no such file in '{}')",
                                                 *program, cwd.string())});
        if (!S_ISREG(st.st_mode) || ::access(abs.c_str(), X_OK) != 0)
            return std::unexpected(
                Error{Exit::runtime, fmt::format("cannot run '{}': it is not an executable file "
                                                 "(chmod +x it, or run it with its interpreter)",
                                                 *program)});
        return {};
    }
    // A relative folder in PATH is looked up from the command's own working
    // directory, which find_program does not know: the shell decides.
    for (size_t s = 0; s <= path.size();) {
        auto e = path.find(':', s);
        auto dir = path.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s);
        if (!dir.starts_with('/'))
            return {};
        s = e == std::string_view::npos ? path.size() + 1 : e + 1;
    }
    MLCI_TRY(find_program(*program, path));
    return {};
}

} // namespace mlci::process
