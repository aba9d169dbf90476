#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/core/fs.hpp>
#include <mlci/train/outputs_before.hpp>
#include <thread>

using namespace mlci;
using namespace mlci::train;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    REQUIRE(write_file_atomic(p, text, false));
}

} // namespace

TEST_CASE("train: outputs stay in place and are judged by identity", "[train][outputs]") {
    testing::TempDir dir;
    auto root = dir / "project";
    write(root / "model.pkl", "old");
    write(root / "same.pkl", "same");
    write(root / "out/a", "a");
    auto before = OutputsBefore::take(root, {"model.pkl", "same.pkl", "out", "new.bin"}, 2);
    REQUIRE(before);
    // Nothing moved.
    CHECK(read_file(root / "model.pkl").value() == "old");
    CHECK(read_file(root / "out/a").value() == "a");

    CHECK(before->unchanged("model.pkl", 2).value());
    CHECK(before->unchanged("out", 2).value());
    CHECK_FALSE(before->unchanged("new.bin", 2).value()); // did not exist
    write(root / "model.pkl", "new");                     // replaced
    CHECK_FALSE(before->unchanged("model.pkl", 2).value());
    write(root / "out/b", "b"); // a file added to the folder
    CHECK_FALSE(before->unchanged("out", 2).value());
}

TEST_CASE("train: a symbolic link as an output is refused", "[train][outputs]") {
    testing::TempDir dir;
    auto root = dir / "project";
    write(root / "target", "t");
    fs::create_symlink("target", root / "link.pkl");
    auto before = OutputsBefore::take(root, {"link.pkl"}, 1);
    REQUIRE_FALSE(before);
    CHECK(before.error().code == Exit::usage);
}

TEST_CASE("train: a failed run's outputs are put back from kept content", "[train][outputs]") {
    testing::TempDir dir;
    auto root = dir / "project";
    auto s = store::Store::init(dir / ".mlci");
    REQUIRE(s);
    write(root / "model.pkl", "old model");
    write(root / "out/a", "a");
    write(root / "out/b", "b");
    auto before = OutputsBefore::take(root, {"model.pkl", "out", "fresh.bin"}, 2);
    REQUIRE(before);
    auto cache = data::StatCache::load(*s, root);
    REQUIRE(before->keep_content(*s, cache, dir / "keep", 2));

    // The command writes in place, adds, removes, and creates a new output.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    {
        std::ofstream f(root / "model.pkl", std::ios::trunc);
        f << "partial";
    }
    write(root / "out/new", "n");
    fs::remove(root / "out/b");
    write(root / "fresh.bin", "f");
    CHECK_FALSE(before->unchanged("model.pkl", 2).value());

    REQUIRE(before->put_back());
    CHECK(read_file(root / "model.pkl").value() == "old model");
    CHECK(read_file(root / "out/a").value() == "a");
    CHECK(read_file(root / "out/b").value() == "b");
    CHECK_FALSE(fs::exists(root / "out/new"));
    CHECK(read_file(root / "fresh.bin").value() == "f"); // not an output before: left
}
