#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fstream>
#include <mlci/core/fs.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/hash/sha256.hpp>
#include <sys/stat.h>
#include <thread>

using namespace mlci;
using namespace mlci::data;

namespace {

// A project folder with its own store in .mlci.
struct Project {
    testing::TempDir dir;
    store::Store store = *store::Store::init(dir / ".mlci");

    fs::path path(const std::string& rel) const { return dir / rel; }
    void write(const std::string& rel, const std::string& content) const {
        fs::create_directories(path(rel).parent_path());
        std::ofstream(path(rel), std::ios::binary | std::ios::trunc) << content;
    }
    std::string add(const std::vector<std::string>& paths, IngestMode mode = IngestMode::copy) {
        AddOptions o;
        for (auto& p : paths)
            o.paths.emplace_back(p);
        o.cwd = dir.path();
        o.mode = mode;
        o.jobs = 4;
        auto r = add_dataset(store, o, {});
        REQUIRE(r);
        return r->reference;
    }
    Result<StatusReport> status(std::vector<fs::path> paths = {},
                                const std::string& cwd = "") const {
        StatusOptions o;
        o.paths = std::move(paths);
        o.cwd = cwd.empty() ? dir.path() : path(cwd);
        o.jobs = 4;
        return workspace_status(store, o, {});
    }
};

store::FileEntry entry(const std::string& path, const std::string& content, uint32_t mode = 0644) {
    return {path, content.size(), mode, hash::sha256_of(content)};
}

// "modified data/x" lines, sorted, for compact checks.
std::vector<std::string> lines(const std::vector<FileChange>& changes) {
    std::vector<std::string> out;
    out.reserve(changes.size());
    for (auto& c : changes)
        out.push_back(std::string(to_string(c.change)) + " " + c.path);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> lines(const StatusReport& report) {
    std::vector<FileChange> all;
    for (auto& r : report.roots)
        all.insert(all.end(), r.changes.begin(), r.changes.end());
    return lines(all);
}

} // namespace

TEST_CASE("compare_file_lists finds added, modified and deleted entries", "[data]") {
    std::vector<store::FileEntry> from{entry("d/a", "1"), entry("d/b", "2"), entry("d/c", "3"),
                                       entry("d/x", "x")};
    std::vector<store::FileEntry> to{entry("d/a", "1"), entry("d/b", "two"), entry("d/d", "4"),
                                     entry("d/x", "x", 0755)};
    auto changes = compare_file_lists(from, to, "data/");
    CHECK(lines(changes) == std::vector<std::string>{"added data/d/d", "deleted data/d/c",
                                                     "modified data/d/b", "modified data/d/x"});
    auto t = totals_of(changes);
    CHECK(t.added == 1);
    CHECK(t.added_bytes == 1);
    CHECK(t.deleted_bytes == 1);
    CHECK(t.modified == 2);
    CHECK(t.modified_delta == 2);
}

TEST_CASE("compare_file_lists ignores write bits and unknown digests, sorts its input", "[data]") {
    auto unknown = entry("b", "22");
    unknown.digest = {};
    std::vector<store::FileEntry> from{entry("b", "22"), entry("a", "1")};
    std::vector<store::FileEntry> to{entry("a", "1", 0444), unknown};
    CHECK(compare_file_lists(from, to, "").empty());
}

TEST_CASE("status is clean after add and lists each kind of change", "[data]") {
    Project p;
    p.write("data/images/a.png", "aaaa");
    p.write("data/images/sub/b.png", "bbbb");
    p.write("data/images/c.png", "cccc");
    p.write("data/iris.csv", "x,y\n1,2\n");
    p.add({"data/images"});
    p.add({"data/iris.csv"});

    auto clean = p.status();
    REQUIRE(clean);
    REQUIRE(clean->roots.size() == 2);
    CHECK(clean->clean());
    CHECK(clean->roots[0].path == "data/images");
    CHECK(clean->roots[0].pointer_path == "data/images.mlci");

    p.write("data/images/a.png", "AAAA");        // same size, other content
    p.write("data/images/new.png", "new");       // added
    fs::remove(p.path("data/images/c.png"));     // deleted
    p.write("data/iris.csv", "x,y\n1,2\n3,4\n"); // grown
    auto dirty = p.status();
    REQUIRE(dirty);
    CHECK_FALSE(dirty->clean());
    CHECK(lines(*dirty) ==
          std::vector<std::string>{"added data/images/new.png", "deleted data/images/c.png",
                                   "modified data/images/a.png", "modified data/iris.csv"});
}

TEST_CASE("status sees a changed executable bit", "[data]") {
    Project p;
    p.write("data/run.sh", "echo hi\n");
    p.add({"data/run.sh"});
    ::chmod(p.path("data/run.sh").c_str(), 0755);
    auto s = p.status();
    REQUIRE(s);
    CHECK(lines(*s) == std::vector<std::string>{"modified data/run.sh"});
}

TEST_CASE("status of an unchanged tree reads no file (stat cache)", "[data][slow]") {
    Project p;
    for (int i = 0; i < 50; ++i)
        p.write(fmt::format("data/set/f{}.txt", i), fmt::format("file {}", i));
    // The stat cache does not trust files changed in the last two seconds.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    p.add({"data/set"});
    auto s = p.status();
    REQUIRE(s);
    CHECK(s->clean());
    CHECK(s->roots.at(0).files_read == 0);
    // Touching a file makes it read again, and only it.
    ::utimensat(AT_FDCWD, p.path("data/set/f7.txt").c_str(), nullptr, 0);
    s = p.status();
    REQUIRE(s);
    CHECK(s->clean());
    CHECK(s->roots.at(0).files_read == 1);
}

TEST_CASE("status sees a same-size edit that kept its mtime", "[data][slow]") {
    Project p;
    p.write("data/set/a.txt", "aaaa");
    p.write("data/set/b.txt", "bbbb");
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    p.add({"data/set"});
    // Twice: the second answers from the snapshot of the clean tree.
    REQUIRE(p.status()->clean());
    REQUIRE(p.status()->clean());
    struct stat before {};
    REQUIRE(::stat(p.path("data/set/a.txt").c_str(), &before) == 0);
    p.write("data/set/a.txt", "AAAA");
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, p.path("data/set/a.txt").c_str(), times, 0) == 0);
    auto s = p.status();
    REQUIRE(s);
    CHECK(lines(*s) == std::vector<std::string>{"modified data/set/a.txt"});
}

TEST_CASE("status takes data paths, pointer files, folders and paths inside a root", "[data]") {
    Project p;
    p.write("data/images/a/1.png", "1");
    p.write("data/images/b/2.png", "2");
    p.write("data/iris.csv", "x\n1\n");
    p.add({"data/images"});
    p.add({"data/iris.csv"});
    p.write("data/images/a/1.png", "one");
    p.write("data/images/b/2.png", "two");

    auto by_data = p.status({"data/iris.csv"});
    REQUIRE(by_data);
    REQUIRE(by_data->roots.size() == 1);
    CHECK(by_data->clean());

    auto by_pointer = p.status({"data/images.mlci"});
    REQUIRE(by_pointer);
    CHECK(lines(*by_pointer).size() == 2);

    auto inside = p.status({"data/images/a"});
    REQUIRE(inside);
    CHECK(lines(*inside) == std::vector<std::string>{"modified data/images/a/1.png"});
    CHECK(inside->roots.at(0).path == "data/images/a");

    // From inside a versioned folder, no path means that part of it.
    auto from_sub = p.status({}, "data/images/b");
    REQUIRE(from_sub);
    CHECK(lines(*from_sub) == std::vector<std::string>{"modified data/images/b/2.png"});

    auto folder = p.status({"data"});
    REQUIRE(folder);
    CHECK(folder->roots.size() == 2);
}

TEST_CASE("status of a deleted root reports every file deleted", "[data]") {
    Project p;
    p.write("data/images/a.png", "a");
    p.write("data/images/b.png", "b");
    p.add({"data/images"});
    fs::remove_all(p.path("data/images"));
    auto s = p.status();
    REQUIRE(s);
    CHECK(lines(*s) ==
          std::vector<std::string>{"deleted data/images/a.png", "deleted data/images/b.png"});
}

TEST_CASE("status errors name the problem and the way out", "[data]") {
    Project p;
    p.write("data/iris.csv", "x\n1\n");
    p.add({"data/iris.csv"});

    SECTION("a path that is not versioned") {
        p.write("other/x.txt", "x");
        auto s = p.status({"other/x.txt"});
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK_THAT(s.error().message, Catch::Contains("is not versioned"));
    }
    SECTION("a missing path") {
        auto s = p.status({"nope"});
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK_THAT(s.error().message, Catch::Contains("does not exist"));
    }
    SECTION("a malformed pointer file names its line") {
        std::ofstream(p.path("data/iris.csv.mlci"))
            << "# mlci data pointer\npath: iris.csv\ntree sha256:00\n";
        auto s = p.status();
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK_THAT(s.error().message, Catch::Contains("data/iris.csv.mlci:3"));
    }
    SECTION("a file list the store does not have says to pull it") {
        auto pointer = *read_pointer(p.path("data/iris.csv.mlci"));
        pointer.tree = hash::sha256_of("not in the store");
        REQUIRE(write_pointer(p.path("data/iris.csv.mlci"), pointer));
        auto s = p.status();
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Exit::usage);
        CHECK_THAT(s.error().message, Catch::Contains("not in the store"));
        CHECK_THAT(s.error().message, Catch::Contains("pull"));
    }
}

TEST_CASE("find_pointer_files skips .git, .mlci and versioned folders", "[data]") {
    Project p;
    p.write("data/images/a.png", "a");
    p.write("data/nested/deep/t.csv", "t\n1\n");
    p.add({"data/images"});
    p.add({"data/nested/deep/t.csv"});
    // A pointer-like name inside versioned data is data, not a pointer.
    p.write("data/images/fake.mlci", "not a pointer");
    p.write(".git/x.mlci", "not a pointer");
    auto found = find_pointer_files(p.dir.path());
    REQUIRE(found);
    CHECK(*found ==
          std::vector<fs::path>{p.path("data/images.mlci"), p.path("data/nested/deep/t.csv.mlci")});
}

TEST_CASE("status with nothing versioned is clean and empty", "[data]") {
    Project p;
    auto s = p.status();
    REQUIRE(s);
    CHECK(s->roots.empty());
    CHECK(s->clean());
}

TEST_CASE("diff compares two versions and a version with the workspace", "[data]") {
    Project p;
    p.write("data/images/a.png", "aaaa");
    p.write("data/images/b.png", "bb");
    auto v1 = p.add({"data/images"});
    p.write("data/images/a.png", "aaaaaa");
    fs::remove(p.path("data/images/b.png"));
    p.write("data/images/c.png", "ccc");
    auto v2 = p.add({"data/images"});

    std::istringstream no_input;
    DiffOptions o{v1, v2, p.dir.path(), 2};
    auto d = diff_versions(p.store, o, {}, no_input);
    REQUIRE(d);
    CHECK(d->from_label == "images:v1");
    CHECK(d->to_label == "images:v2");
    CHECK(lines(d->changes) == std::vector<std::string>{"added data/images/c.png",
                                                        "deleted data/images/b.png",
                                                        "modified data/images/a.png"});
    auto t = totals_of(d->changes);
    CHECK(t.added_bytes == 3);
    CHECK(t.deleted_bytes == 2);
    CHECK(t.modified_delta == 2);

    p.write("data/images/c.png", "CCC");
    DiffOptions w{"images", "", p.dir.path(), 2};
    auto ws = diff_versions(p.store, w, {}, no_input);
    REQUIRE(ws);
    CHECK(ws->to_label == "workspace");
    CHECK(lines(ws->changes) == std::vector<std::string>{"modified data/images/c.png"});

    DiffOptions unknown{"nope:v9", "", p.dir.path(), 2};
    auto bad = diff_versions(p.store, unknown, {}, no_input);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
}
