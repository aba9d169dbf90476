#include <mlci/config/command_spec.hpp>
#include <mlci/config/yaml_util.hpp>

namespace mlci::config {

namespace {

// `s` as one shell word: as it is when it holds only characters no shell
// treats specially, else in single quotes (a quote inside written '\'').
std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-./=:,+@%") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

std::vector<std::string> command_argv(const CommandSpec& command) {
    if (!command.argv.empty())
        return command.argv;
    return {"/bin/sh", "-c", command.shell};
}

std::string command_line(const CommandSpec& command) {
    if (command.argv.empty())
        return command.shell;
    std::string out;
    for (auto& a : command.argv)
        out += (out.empty() ? "" : " ") + shell_quote(a);
    return out;
}

CommandSpec command_from_words(std::vector<std::string> words) {
    CommandSpec command;
    if (words.size() == 1 && words[0].find(' ') != std::string::npos)
        command.shell = std::move(words[0]);
    else
        command.argv = std::move(words);
    return command;
}

Result<CommandSpec> parse_command(const std::filesystem::path& file, const YAML::Node& node,
                                  std::string_view key) {
    CommandSpec c;
    if (node.IsSequence()) {
        MLCI_TRY_ASSIGN(argv, as_string_list(file, node, key));
        if (argv.empty())
            return bad_key(file, node, key, "the command is empty");
        c.argv = std::move(argv);
    } else {
        MLCI_TRY_ASSIGN(s, as_string(file, node, key));
        c.shell = std::move(s);
    }
    return c;
}

} // namespace mlci::config
