#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <mlci/core/fs.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/process/process.hpp>
#include <thread>
#include <unistd.h>

using namespace mlci;
using namespace mlci::process;
using Clock = std::chrono::steady_clock;

namespace {

struct Ran {
    ProcessResult result;
    std::string output;
    double seconds = 0;
};

Ran supervise(std::vector<std::string> argv, std::chrono::milliseconds timeout = {},
              std::chrono::milliseconds grace = std::chrono::seconds(5)) {
    Ran r;
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.env = current_environment();
    if (timeout.count() > 0)
        spec.timeout = timeout;
    spec.kill_grace = grace;
    spec.on_output = [&](std::string_view chunk) { r.output.append(chunk); };
    auto start = Clock::now();
    auto result = run_process(spec);
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!result)
        FAIL(result.error().message);
    r.result = *result;
    return r;
}

} // namespace

TEST_CASE("process: a command's output and exit status come back", "[process]") {
    auto r = supervise({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
    CHECK(r.result.exit_code == 3);
    CHECK(r.result.term_signal == 0);
    CHECK_FALSE(r.result.timed_out);
    CHECK(r.output.find("out\n") != std::string::npos);
    CHECK(r.output.find("err\n") != std::string::npos);
    CHECK(r.result.wall_seconds > 0);
    CHECK(r.result.max_rss_bytes > 0);

    auto ok = supervise({"true"}); // found in PATH
    CHECK(ok.result.exit_code == 0);
}

TEST_CASE("process: the command gets its environment, folder and no terminal input", "[process]") {
    testing::TempDir dir;
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "echo \"$MY_VAR\"; pwd; cat; echo end"};
    spec.env = {"MY_VAR=hello world", "PATH=/usr/bin:/bin"};
    spec.cwd = dir.path();
    std::string out;
    spec.on_output = [&](std::string_view c) { out.append(c); };
    auto r = run_process(spec);
    REQUIRE(r);
    CHECK(r->exit_code == 0);
    CHECK(out == "hello world\n" + fs::canonical(dir.path()).string() + "\nend\n");
}

TEST_CASE("process: a command that cannot start is an error, not a run", "[process]") {
    ProcessSpec spec;
    spec.argv = {"no-such-program-mlci"};
    spec.env = current_environment();
    auto r = run_process(spec);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK(r.error().message.find("not found") != std::string::npos);

    testing::TempDir dir;
    REQUIRE(write_file_atomic(dir / "script.sh", "#!/bin/sh\necho hi\n", false, 0644));
    spec.argv = {(dir / "script.sh").string()};
    auto denied = run_process(spec);
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code == Exit::runtime);

    spec.argv = {"/bin/true"};
    spec.cwd = dir / "missing";
    auto no_dir = run_process(spec);
    REQUIRE_FALSE(no_dir);
    CHECK(no_dir.error().message.find("missing") != std::string::npos);
}

TEST_CASE("process: a timeout kills the whole process group", "[process]") {
    // The background sleep holds the output pipe: only killing the group ends it.
    auto r = supervise({"/bin/sh", "-c", "sleep 30 & sleep 30"}, std::chrono::milliseconds(300));
    CHECK(r.result.timed_out);
    CHECK(r.result.term_signal == SIGTERM);
    CHECK(r.result.exit_code == 128 + SIGTERM);
    CHECK(r.seconds < 5);
}

TEST_CASE("process: a command that ignores SIGTERM is killed after the grace period", "[process]") {
    auto r = supervise({"/bin/sh", "-c", "trap '' TERM; sleep 30"}, std::chrono::milliseconds(200),
                       std::chrono::milliseconds(300));
    CHECK(r.result.timed_out);
    CHECK(r.result.term_signal == SIGKILL);
    CHECK(r.seconds < 5);
}

TEST_CASE("process: what the command leaves running is killed when it exits", "[process]") {
    auto r = supervise({"/bin/sh", "-c", "(sleep 1; echo late) & echo early"});
    CHECK(r.result.exit_code == 0);
    CHECK(r.output == "early\n");
    CHECK(r.seconds < 1);
}

TEST_CASE("process: cpu time and peak memory are measured", "[process]") {
    auto busy = supervise({"/bin/sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"});
    CHECK(busy.result.cpu_seconds > 0.05);
    auto big = supervise({"/usr/bin/python3", "-c", "b = b'x' * (100 << 20); print(len(b))"});
    CHECK(big.result.exit_code == 0);
    CHECK(big.result.max_rss_bytes > (100u << 20));
}

TEST_CASE("process: an interrupt is forwarded to the command's group", "[process]") {
    InterruptGuard guard;
    auto before = interrupt_count();
    std::thread sender([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ::kill(::getpid(), SIGINT);
    });
    auto r = supervise({"/bin/sh", "-c", "sleep 30 & sleep 30"});
    sender.join();
    CHECK(interrupt_count() == before + 1);
    CHECK(interrupt_signal() == SIGINT);
    CHECK(r.result.interrupted == SIGINT);
    CHECK(r.result.term_signal == SIGINT);
    CHECK(r.seconds < 5);
}

TEST_CASE("process: programs are found in PATH and environments edited", "[process]") {
    auto sh = find_program("sh", "/nonexistent:/bin:/usr/bin");
    REQUIRE(sh);
    CHECK(*sh == "/bin/sh");
    CHECK(*find_program("./x", "") == "./x");
    CHECK_FALSE(find_program("no-such-program-mlci", "/bin"));

    std::vector<std::string> env{"A=1", "AB=2"};
    set_env(env, "A", "3");
    CHECK(get_env(env, "A") == "3");
    CHECK(get_env(env, "AB") == "2");
    CHECK_FALSE(get_env(env, "B"));
    CHECK(env.size() == 2);
}
