#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/train/work_dir.hpp>

using namespace mlci;
using namespace mlci::train;

TEST_CASE("train: work folders of dead runs are removed, live ones kept", "[train][work]") {
    testing::TempDir dir;
    auto s = store::Store::init(dir / ".mlci");
    REQUIRE(s);
    auto work = s->root() / "mlci" / "work";
    {
        auto live = WorkDir::make(*s, "live");
        REQUIRE(live);
        CHECK(fs::is_directory(live->dir()));
        // Left by an mlci that was killed: a folder whose lock nobody holds.
        fs::create_directories(work / "dead" / "before");
        fs::create_directory_symlink(dir.path(), work / "dead" / "mirror");
        auto other = WorkDir::make(*s, "other");
        REQUIRE(other);
        CHECK_FALSE(fs::exists(work / "dead"));
        CHECK(fs::exists(dir.path())); // a symlink in it is removed, not followed
        CHECK(fs::is_directory(live->dir()));
    }
    // Both removed with their locks when done.
    CHECK(fs::is_empty(work));
}
