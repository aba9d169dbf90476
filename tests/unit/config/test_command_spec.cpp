#include <catch2/catch.hpp>
#include <mlci/config/command_spec.hpp>
#include <mlci/process/process.hpp>

using namespace mlci;
using mlci::config::CommandSpec;

TEST_CASE("config/command: argv runs as given, a string through /bin/sh -c", "[config]") {
    CommandSpec argv{{"/usr/bin/python3", "-m", "pytest", "-k", "a and b"}, ""};
    CHECK(config::command_argv(argv) == argv.argv);
    CommandSpec shell{{}, "pytest -q"};
    CHECK(config::command_argv(shell) == std::vector<std::string>{"/bin/sh", "-c", "pytest -q"});
}

TEST_CASE("config/command: the line for people quotes what a shell would split or expand",
          "[config]") {
    CHECK(config::command_line({{"/usr/bin/python3", "-m", "pytest", "-k", "a and b"}, ""}) ==
          "/usr/bin/python3 -m pytest -k 'a and b'");
    CHECK(config::command_line({{"python3", "train.py", "--name", "a b", "it's"}, {}}) ==
          "python3 train.py --name 'a b' 'it'\\''s'");
    CHECK(config::command_line({{"echo", "", "$HOME", "x=1"}, {}}) == "echo '' '$HOME' x=1");
    CHECK(config::command_line({{}, "make train"}) == "make train");
}

namespace {

// What `argv` writes, run with `env` (HOME set, so that an unquoted $HOME
// would show).
std::string output_of(std::vector<std::string> argv) {
    process::ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin", "HOME=/home/someone"};
    std::string out;
    spec.on_output = [&](std::string_view s) { out += s; };
    auto ran = process::run_process(spec);
    REQUIRE(ran);
    CHECK(ran->exit_code == 0);
    return out;
}

} // namespace

TEST_CASE("config/command: the line, pasted into a shell, runs the same words", "[config]") {
    std::vector<std::string> words{"printf", "[%s]", "a b", "it's", "$HOME", "\\n", "*", ""};
    auto line = config::command_line({words, {}});
    CHECK(output_of({"/bin/sh", "-c", line}) == output_of(words));
    CHECK(output_of(words) == "[a b][it's][$HOME][\\n][*][]");
}
