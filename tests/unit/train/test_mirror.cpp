#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/train/mirror.hpp>

using namespace mlci;
using namespace mlci::train;

TEST_CASE("train: a mirror links the project but owns the outputs", "[train][mirror]") {
    testing::TempDir dir;
    auto project = dir / "project";
    fs::create_directories(project / "src");
    fs::create_directories(project / "models/old");
    fs::create_directories(project / "data");
    REQUIRE(write_file_atomic(project / "src/train.py", "print(1)\n"));
    REQUIRE(write_file_atomic(project / "data/iris.csv", "a\n1\n"));
    REQUIRE(write_file_atomic(project / "model.pkl", "old model"));
    REQUIRE(write_file_atomic(project / "models/keep.txt", "k"));
    REQUIRE(write_file_atomic(project / "models/best.pkl", "old best"));

    auto mirror = dir / "mirror";
    REQUIRE(make_mirror(project, mirror,
                        {"model.pkl", "models/best.pkl", "models/old", "reports/x/metrics.json"}));
    CHECK(fs::is_symlink(mirror / "src"));
    CHECK(fs::is_symlink(mirror / "data"));
    CHECK(read_file(mirror / "src/train.py").value() == "print(1)\n");
    // Outputs are absent; the folders around them are the mirror's own.
    CHECK_FALSE(fs::exists(fs::symlink_status(mirror / "model.pkl")));
    CHECK(fs::is_directory(mirror / "models"));
    CHECK_FALSE(fs::is_symlink(mirror / "models"));
    CHECK(fs::is_symlink(mirror / "models/keep.txt"));
    CHECK_FALSE(fs::exists(fs::symlink_status(mirror / "models/best.pkl")));
    // A folder output starts empty; an output under a new folder gets the folder.
    CHECK(fs::is_directory(mirror / "models/old"));
    CHECK_FALSE(fs::is_symlink(mirror / "models/old"));
    CHECK(fs::is_directory(mirror / "reports/x"));

    // Writing an output in the mirror leaves the project alone.
    REQUIRE(write_file_atomic(mirror / "model.pkl", "new model"));
    REQUIRE(write_file_atomic(mirror / "models/best.pkl", "new best"));
    CHECK(read_file(project / "model.pkl").value() == "old model");
    CHECK(read_file(project / "models/best.pkl").value() == "old best");
}
