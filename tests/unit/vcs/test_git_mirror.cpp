#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <mlci/core/fs.hpp>
#include <mlci/vcs/git_mirror.hpp>

using namespace mlci;
using namespace mlci::vcs;

namespace {

const char* k_git = "git -c user.name=Tester -c user.email=tester@example.com "
                    "-c init.defaultBranch=trunk";

std::string sh(const fs::path& dir, const std::string& cmd) {
    auto full = "cd '" + dir.string() + "' && " + cmd + " 2>/dev/null";
    std::string out;
    FILE* p = popen(full.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    INFO(cmd << "\n" << out);
    REQUIRE(pclose(p) == 0);
    return out;
}

std::string git(const fs::path& dir, const std::string& args) {
    return sh(dir, std::string(k_git) + " " + args);
}

} // namespace

TEST_CASE("git mirror: fetch, read, commit and push without a work tree",
          "[vcs][git_mirror][gitops]") {
    testing::TempDir dir;
    git(dir.path(),
        "init -q --bare origin.git && " + std::string(k_git) + " clone -q origin.git seed");
    auto seed = dir / "seed";
    fs::create_directories(seed / "bin");
    REQUIRE(write_file_atomic(seed / "bin/run.sh", "#!/bin/sh\n", true, 0755));
    REQUIRE(write_file_atomic(seed / "a.txt", "a\n"));
    git(seed, "add -A && " + std::string(k_git) + " commit -qm seed && ln -s a.txt link && " +
                  k_git + " add link && " + k_git + " commit -qm link && " + k_git +
                  " push -q origin trunk");

    auto mirror = GitMirror::open(dir / "cache/origin", dir.path().string() + "/origin.git");
    REQUIRE(mirror);
    auto branch = mirror->default_branch();
    REQUIRE(branch);
    CHECK(*branch == "trunk");
    auto head = mirror->fetch("trunk");
    REQUIRE(head);
    CHECK(*head + "\n" == git(dir / "origin.git", "rev-parse trunk"));

    auto a = mirror->read(*head, "a.txt");
    REQUIRE(a);
    CHECK(*a == std::optional<std::string>("a\n"));
    auto none = mirror->read(*head, "nope/a.txt");
    REQUIRE(none);
    CHECK_FALSE(*none);
    CHECK_FALSE(mirror->read(*head, "link"));
    CHECK_FALSE(mirror->read(*head, "bin"));

    auto commit =
        mirror->commit(*head, {{"bin/run.sh", "#!/bin/sh\necho hi\n"}, {"new.txt", "n\n"}}, "trunk",
                       "two files", Author{"A U Thor", "author@example.com"});
    REQUIRE(commit);
    auto refused = mirror->push("trunk");
    REQUIRE(refused);
    CHECK_FALSE(*refused);
    CHECK(*commit + "\n" == git(dir / "origin.git", "rev-parse trunk"));
    // The executable bit stays; a new file is a plain one.
    CHECK(git(dir / "origin.git", "ls-tree trunk bin/run.sh new.txt").starts_with("100755 blob"));
    CHECK(git(dir / "origin.git", "ls-tree trunk new.txt").starts_with("100644 blob"));
    CHECK(git(dir / "origin.git", "log -1 --format=%an%n%B trunk") == "A U Thor\ntwo files\n\n");
    // The URL is not kept in the cache's config.
    CHECK(sh(dir / "cache/origin", "cat config").find("origin.git") == std::string::npos);

    // A commit on an old head is refused, with the reason.
    auto stale = mirror->commit(*head, {{"a.txt", "b\n"}}, "trunk", "stale", Author{"x", "x@x"});
    REQUIRE(stale);
    auto again = mirror->push("trunk");
    REQUIRE(again);
    REQUIRE(*again);
    CHECK(*commit + "\n" == git(dir / "origin.git", "rev-parse trunk"));

    // A cache that is no repository is made again.
    REQUIRE(write_file_atomic(dir / "cache/broken", "x"));
    auto remade = GitMirror::open(dir / "cache/broken", dir.path().string() + "/origin.git");
    REQUIRE(remade);
    CHECK(remade->fetch("trunk").value_or("") == *commit);
}

TEST_CASE("git mirror: the commit author falls back to mlci", "[vcs][git_mirror][gitops]") {
    auto given = commit_author("N", "e@x");
    CHECK(given.name == "N");
    CHECK(given.email == "e@x");
    // Empty names come from somewhere: the environment, git config or the default.
    auto found = commit_author("", "");
    CHECK_FALSE(found.name.empty());
    CHECK_FALSE(found.email.empty());
}
