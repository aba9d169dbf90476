#include <mlci/config/command_spec.hpp>
#include <mlci/config/yaml_util.hpp>

namespace mlci::config {

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
