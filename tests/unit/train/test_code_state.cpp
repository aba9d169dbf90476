#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <mlci/core/fs.hpp>
#include <mlci/train/code_state.hpp>
#include <thread>

using namespace mlci;
using namespace mlci::train;

namespace {

void sh(const fs::path& dir, const std::string& cmd) {
    auto full = "cd '" + dir.string() + "' && " + cmd + " >/dev/null 2>&1";
    REQUIRE(std::system(full.c_str()) == 0);
}

} // namespace

TEST_CASE("train: code state is read from git and remembered while nothing changes",
          "[train][code_state]") {
    testing::TempDir dir;
    auto repo = dir / "repo";
    fs::create_directories(repo / "src");
    REQUIRE(write_file_atomic(repo / "src/train.py", "print(1)\n"));
    sh(repo, "git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm init "
             "&& git branch -M main");
    auto store = store::Store::init(dir / "store");
    REQUIRE(store);

    // Fingerprints younger than two seconds are not kept.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto first = code_state(*store, repo);
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->commit.size() == 40);
    CHECK((*first)->branch == "main");
    CHECK_FALSE((*first)->dirty);
    CHECK((*first)->diff_digest.empty());
    bool remembered = false;
    for (auto& e : fs::directory_iterator(store->cache_dir()))
        remembered = remembered || e.path().filename().string().starts_with("code-");
    CHECK(remembered);
    auto again = code_state(*store, repo);
    REQUIRE(again);
    CHECK((*again)->commit == (*first)->commit);

    // An edit of a tracked file is seen at once, and undoing it too.
    REQUIRE(write_file_atomic(repo / "src/train.py", "print(2)\n"));
    auto dirty = code_state(*store, repo);
    REQUIRE(dirty);
    CHECK((*dirty)->dirty);
    CHECK((*dirty)->diff_digest.starts_with("sha256:"));
    REQUIRE(write_file_atomic(repo / "src/train.py", "print(1)\n"));
    auto clean = code_state(*store, repo);
    REQUIRE(clean);
    CHECK_FALSE((*clean)->dirty);

    // A new commit is seen.
    REQUIRE(write_file_atomic(repo / "src/train.py", "print(3)\n"));
    sh(repo, "git -c user.name=t -c user.email=t@t commit -qam two");
    auto next = code_state(*store, repo);
    REQUIRE(next);
    CHECK((*next)->commit != (*first)->commit);
    CHECK_FALSE((*next)->dirty);

    // Outside git there is no code state.
    fs::create_directories(dir / "plain");
    auto none = code_state(*store, dir / "plain");
    REQUIRE(none);
    CHECK_FALSE(*none);
}
