#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/process/shell_command.hpp>
#include <sys/stat.h>

using namespace mlci;
using namespace mlci::process;

TEST_CASE("process: the program of a simple shell command", "[process][shell]") {
    CHECK(simple_command_program("nosuchprog --x").value() == "nosuchprog");
    CHECK(simple_command_program("  python3 -u train.py --lr=0.1").value() == "python3");
    CHECK(simple_command_program("LANG=C OMP_NUM_THREADS=4 python3 x.py").value() == "python3");
    CHECK(simple_command_program("./train.sh a,b").value() == "./train.sh");
    // Shell syntax, builtins, keywords and a PATH of the line's own: the shell's call.
    for (auto line : {"a || b", "a && b", "a; b", "a | tee log", "a > out", "\"my prog\" x",
                      "$PYTHON x.py", "~/bin/x", "x *.csv", "(a)", "echo hi", "cd d",
                      "exec python3 x.py", "if true", "PATH=/opt/bin x", "a\nb", "", "  ", "A=1"})
        CHECK_FALSE(simple_command_program(line).has_value());
}

TEST_CASE("process: a simple shell command's missing program is an environment error",
          "[process][shell]") {
    testing::TempDir dir;
    auto r = check_shell_program("nosuchprog-mlci --x", "/usr/bin:/bin", dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK(r.error().message.find("'nosuchprog-mlci'") != std::string::npos);
    CHECK(check_shell_program("sh -x", "/usr/bin:/bin", dir.path()));
    // Not simple, or a relative PATH folder: left to the shell.
    CHECK(check_shell_program("nosuchprog-mlci || true", "/usr/bin:/bin", dir.path()));
    CHECK(check_shell_program("nosuchprog-mlci", "bin:/usr/bin", dir.path()));
    // A path is looked up from the command's working directory.
    CHECK_FALSE(check_shell_program("./x.sh", "/usr/bin", dir.path()));
    REQUIRE(write_file_atomic(dir / "x.sh", "#!/bin/sh\n", false, 0644));
    auto not_exec = check_shell_program("./x.sh", "/usr/bin", dir.path());
    REQUIRE_FALSE(not_exec);
    CHECK(not_exec.error().message.find("not an executable") != std::string::npos);
    ::chmod((dir / "x.sh").c_str(), 0755);
    CHECK(check_shell_program("./x.sh", "/usr/bin", dir.path()));
}
