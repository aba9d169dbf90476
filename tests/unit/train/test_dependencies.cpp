#include "../temp_dir.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <mlci/core/fs.hpp>
#include <mlci/train/dependencies.hpp>
#include <thread>

using namespace mlci;
using namespace mlci::train;

namespace {

void run_in(const fs::path& dir, const std::string& cmd) {
    auto full = "cd '" + dir.string() + "' && " + cmd + " >/dev/null 2>&1";
    REQUIRE(std::system(full.c_str()) == 0);
}

// What `git hash-object FILE` prints: the id git gives the content.
std::string git_id(const fs::path& dir, const std::string& file) {
    auto cmd = "cd '" + dir.string() + "' && git hash-object '" + file + "'";
    std::array<char, 128> buf{};
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    while (std::fgets(buf.data(), buf.size(), p))
        out += buf.data();
    ::pclose(p);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

Dependencies deps_of(const store::Store& store, const fs::path& repo,
                     const DependencySpec& spec = {}) {
    auto d = dependencies(store, repo, spec);
    REQUIRE(d);
    REQUIRE(*d);
    return **d;
}

} // namespace

TEST_CASE("train: the default dependencies leave out docs, pointers and settings",
          "[train][dependencies]") {
    for (auto path : {"README.md", "docs/guide.txt", "data/iris.csv.mlci", "mlci.yaml", "LICENSE",
                      "CHANGELOG.rst", ".gitignore", ".github/workflows/ci.yml", "sub/notes.MD",
                      ".gitlab-ci.yml", "Jenkinsfile"})
        CHECK(excluded_by_default(path));
    for (auto path : {"train.py", "src/model.py", "requirements.txt", "params.yaml", "docs.py",
                      "src/docs/x.py", "Dockerfile"})
        CHECK_FALSE(excluded_by_default(path));
}

TEST_CASE("train: dependencies are git's ids of the files git shows, remembered while unchanged",
          "[train][dependencies]") {
    testing::TempDir dir;
    auto repo = dir / "repo";
    fs::create_directories(repo / "src");
    fs::create_directories(repo / "data");
    fs::create_directories(repo / "out");
    REQUIRE(write_file_atomic(repo / "train.py", "print(1)\n"));
    REQUIRE(write_file_atomic(repo / "src/model.py", "M = 1\n"));
    REQUIRE(write_file_atomic(repo / "README.md", "# r\n"));
    REQUIRE(write_file_atomic(repo / ".gitignore", "data/*.csv\n.mlci/\n"));
    REQUIRE(write_file_atomic(repo / "data/iris.csv", "a,b\n"));
    REQUIRE(write_file_atomic(repo / "out/model.pkl", "weights"));
    run_in(repo,
           "git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm i");
    REQUIRE(write_file_atomic(repo / "untracked.py", "U = 1\n"));
    auto store = store::Store::init(repo / ".mlci");
    REQUIRE(store);
    DependencySpec spec;
    spec.excluded = {"out"};

    std::this_thread::sleep_for(std::chrono::milliseconds(2100)); // stamps old enough to keep
    auto first = deps_of(*store, repo, spec);
    CHECK(first.files.size() == 3);
    CHECK(first.files.at("train.py") == git_id(repo, "train.py"));
    CHECK(first.files.at("src/model.py") == git_id(repo, "src/model.py"));
    CHECK(first.files.at("untracked.py") == git_id(repo, "untracked.py"));
    CHECK_FALSE(first.files.count("README.md"));
    CHECK_FALSE(first.files.count("data/iris.csv")); // ignored
    CHECK_FALSE(first.files.count("out/model.pkl")); // an output
    auto again = deps_of(*store, repo, spec);
    CHECK(again.digest() == first.digest());

    SECTION("a commit that changes only the README keeps the digest") {
        REQUIRE(write_file_atomic(repo / "README.md", "# r\nmore\n"));
        run_in(repo, "git -c user.name=t -c user.email=t@t commit -qam docs");
        CHECK(deps_of(*store, repo, spec).digest() == first.digest());
    }
    SECTION("an edit of an untracked file is seen, though the answer was remembered") {
        REQUIRE(write_file_atomic(repo / "untracked.py", "U = 2\n"));
        auto now = deps_of(*store, repo, spec);
        CHECK(now.digest() != first.digest());
        CHECK(now.files.at("untracked.py") == git_id(repo, "untracked.py"));
    }
    SECTION("a new file in a folder that held only ignored files is seen") {
        REQUIRE(write_file_atomic(repo / "data/prepare.py", "P = 1\n"));
        auto now = deps_of(*store, repo, spec);
        CHECK(now.files.count("data/prepare.py"));
    }
    SECTION("a change of .gitignore that shows a file is seen") {
        REQUIRE(write_file_atomic(repo / ".gitignore", ".mlci/\n"));
        CHECK(deps_of(*store, repo, spec).files.count("data/iris.csv"));
    }
    SECTION("a deleted tracked file is gone") {
        fs::remove(repo / "src/model.py");
        CHECK_FALSE(deps_of(*store, repo, spec).files.count("src/model.py"));
    }
    SECTION("declared dependencies: only those, ignored ones read from disk") {
        spec.declared = {"src", "data/iris.csv"};
        auto declared = deps_of(*store, repo, spec);
        CHECK(declared.files.size() == 2);
        CHECK(declared.files.count("src/model.py"));
        CHECK(declared.files.at("data/iris.csv").starts_with("sha256:"));
        spec.declared = {"nothing/*.py"};
        auto none = dependencies(*store, repo, spec);
        REQUIRE_FALSE(none);
        CHECK(none.error().code == Exit::usage);
    }
}

TEST_CASE("train: no dependencies outside git", "[train][dependencies]") {
    testing::TempDir dir;
    auto store = store::Store::init(dir / "store");
    REQUIRE(store);
    fs::create_directories(dir / "p");
    REQUIRE(write_file_atomic(dir / "p/train.py", "print(1)\n"));
    auto d = dependencies(*store, dir / "p", {});
    REQUIRE(d);
    CHECK_FALSE(*d);
}
