#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/core/fs.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/workspace.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/hash/sha256.hpp>
#include <sstream>
#include <sys/stat.h>

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
        // Replace rather than write into: a file may be a read-only link to a blob.
        fs::remove(path(rel));
        std::ofstream(path(rel), std::ios::binary) << content;
    }
    std::string read(const std::string& rel) const { return *read_file(path(rel)); }
    bool exists(const std::string& rel) const { return fs::exists(path(rel)); }
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
    Result<CheckoutResult> checkout(const std::string& ref, bool clean = false, bool force = false,
                                    std::optional<fs::path> to = {}) const {
        CheckoutOptions o;
        o.ref = ref;
        o.cwd = dir.path();
        o.to = std::move(to);
        o.clean = clean;
        o.force = force;
        o.jobs = 4;
        std::istringstream no_input;
        return data::checkout(store, o, {}, no_input);
    }
    bool clean() const {
        StatusOptions o;
        o.cwd = dir.path();
        auto s = workspace_status(store, o, {});
        REQUIRE(s);
        return s->clean();
    }
    // Files the folder holds, temporary ones included.
    size_t files_in(const std::string& rel) const {
        size_t n = 0;
        for (auto& e : fs::recursive_directory_iterator(path(rel)))
            n += e.is_regular_file();
        return n;
    }
};

// Two versions of data/images: v1 {a, b, sub/c}, v2 {a changed, b deleted, sub/c, d added}.
std::pair<std::string, std::string> two_versions(Project& p) {
    p.write("data/images/a.png", "a version 1");
    p.write("data/images/b.png", "b");
    p.write("data/images/sub/c.png", "c");
    auto v1 = p.add({"data/images"});
    p.write("data/images/a.png", "a version 2!");
    fs::remove(p.path("data/images/b.png"));
    p.write("data/images/d/d.png", "d");
    auto v2 = p.add({"data/images"});
    return {v1, v2};
}

} // namespace

TEST_CASE("checkout restores an earlier version and moves the pointer to it", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    auto r = p.checkout(v1);
    REQUIRE(r);
    CHECK(r->label == "images:v1");
    REQUIRE(r->roots.size() == 1);
    auto& root = r->roots[0];
    CHECK(root.path == "data/images");
    CHECK(root.pointer == "data/images.mlci");
    CHECK(root.written == 2);   // a and b
    CHECK(root.unchanged == 1); // sub/c
    CHECK(root.removed == std::vector<std::string>{"data/images/d/d.png"});
    CHECK(root.extra.empty());
    CHECK(p.read("data/images/a.png") == "a version 1");
    CHECK(p.read("data/images/b.png") == "b");
    CHECK_FALSE(p.exists("data/images/d")); // emptied folders go too
    CHECK(read_pointer(p.path("data/images.mlci"))->files == 3);
    CHECK(p.clean());

    auto back = p.checkout(v2);
    REQUIRE(back);
    CHECK(p.read("data/images/a.png") == "a version 2!");
    CHECK_FALSE(p.exists("data/images/b.png"));
    CHECK(p.read("data/images/d/d.png") == "d");
    CHECK(p.clean());
    CHECK(p.files_in("data/images") == 3); // no temporary file left behind
}

TEST_CASE("checkout keeps files that are not in the version unless --clean", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    p.write("data/images/mine.txt", "my notes");
    auto kept = p.checkout(v1);
    REQUIRE(kept);
    CHECK(kept->roots[0].extra == std::vector<std::string>{"data/images/mine.txt"});
    CHECK(p.read("data/images/mine.txt") == "my notes");

    auto cleaned = p.checkout(v1, /*clean=*/true);
    REQUIRE(cleaned);
    CHECK(cleaned->roots[0].cleaned == std::vector<std::string>{"data/images/mine.txt"});
    CHECK_FALSE(p.exists("data/images/mine.txt"));
    CHECK(p.clean());
}

TEST_CASE("checkout refuses to lose changes the store does not have", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    p.write("data/images/a.png", "precious edit");
    p.write("data/images/d/d.png", "edited too");
    auto refused = p.checkout(v1);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Exit::usage);
    CHECK_THAT(refused.error().message, Catch::Contains("'data/images/a.png'"));
    CHECK_THAT(refused.error().message, Catch::Contains("'data/images/d/d.png'"));
    CHECK_THAT(refused.error().message, Catch::Contains("--force"));
    // Nothing was touched, not even the files that were safe to write.
    CHECK(p.read("data/images/a.png") == "precious edit");
    CHECK_FALSE(p.exists("data/images/b.png"));
    CHECK(read_pointer(p.path("data/images.mlci"))->files == 3);

    auto forced = p.checkout(v1, false, /*force=*/true);
    REQUIRE(forced);
    CHECK(forced->roots[0].discarded.size() == 2);
    CHECK(p.read("data/images/a.png") == "a version 1");
    CHECK(p.clean());
}

TEST_CASE("checkout replaces a change whose content the store has", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    // The content of another version's file: nothing is lost by replacing it.
    p.write("data/images/a.png", "a version 1");
    auto r = p.checkout(v2);
    REQUIRE(r);
    CHECK(p.read("data/images/a.png") == "a version 2!");
}

TEST_CASE("checkout --to restores into another folder without pointer files", "[data]") {
    Project p;
    p.write("data/iris.csv", "x,y\n1,2\n");
    auto v1 = p.add({"data/iris.csv"});
    p.write("data/iris.csv", "x,y\n1,2\n3,4\n");
    p.add({"data/iris.csv"});

    auto r = p.checkout(v1, false, false, fs::path("export"));
    REQUIRE(r);
    CHECK(r->roots[0].path == "export/iris.csv");
    CHECK(r->roots[0].pointer.empty());
    CHECK(p.read("export/iris.csv") == "x,y\n1,2\n");
    CHECK_FALSE(p.exists("export/iris.csv.mlci"));
    CHECK(p.read("data/iris.csv") == "x,y\n1,2\n3,4\n"); // the project is untouched
    // Again: nothing to write.
    auto again = p.checkout(v1, false, false, fs::path("export"));
    REQUIRE(again);
    CHECK(again->roots[0].written == 0);
    CHECK(again->roots[0].unchanged == 1);
}

TEST_CASE("checkout of a pointer file restores what it records", "[data]") {
    Project p;
    p.write("data/images/a.png", "a");
    p.write("data/images/b.png", "b");
    p.add({"data/images"});
    fs::remove(p.path("data/images/a.png"));
    auto by_pointer = p.checkout("data/images.mlci");
    REQUIRE(by_pointer);
    CHECK(p.read("data/images/a.png") == "a");
    fs::remove_all(p.path("data/images"));
    // The data path stands for its pointer file.
    auto by_path = p.checkout("data/images");
    REQUIRE(by_path);
    CHECK(p.read("data/images/b.png") == "b");
    CHECK(p.clean());
}

TEST_CASE("checkout restores file modes", "[data]") {
    Project p;
    p.write("data/tools/run.sh", "echo hi\n");
    ::chmod(p.path("data/tools/run.sh").c_str(), 0755);
    auto v1 = p.add({"data/tools"});
    fs::remove_all(p.path("data/tools"));
    REQUIRE(p.checkout(v1));
    struct stat st {};
    REQUIRE(::stat(p.path("data/tools/run.sh").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("checkout over files linked into the store never writes into a blob", "[data]") {
    Project p;
    p.write("data/images/a.png", "linked v1");
    auto v1 = p.add({"data/images"}, IngestMode::link);
    auto blob = p.store.blob_path(hash::sha256_of("linked v1"));
    p.write("data/images/a.png", "linked v2"); // replaced, as editors do
    p.add({"data/images"}, IngestMode::link);
    REQUIRE(p.checkout(v1));
    CHECK(p.read("data/images/a.png") == "linked v1");
    // A copy of its own, writable: editing it cannot reach the store.
    struct stat ws {
    }, bs{};
    REQUIRE(::stat(p.path("data/images/a.png").c_str(), &ws) == 0);
    REQUIRE(::stat(blob.c_str(), &bs) == 0);
    CHECK(ws.st_ino != bs.st_ino);
    CHECK((ws.st_mode & 0200) != 0);
    std::ofstream(p.path("data/images/a.png"), std::ios::app) << " edited in place";
    CHECK(hash::sha256_file(blob)->digest == hash::sha256_of("linked v1"));
}

TEST_CASE("checkout finds a corrupt blob and leaves the workspace file as it was", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    auto blob = p.store.blob_path(hash::sha256_of("a version 1"));
    ::chmod(blob.c_str(), 0644);
    std::ofstream(blob, std::ios::binary | std::ios::trunc) << "a version X";
    auto r = p.checkout(v1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK_THAT(r.error().message, Catch::Contains("corrupt"));
    CHECK(p.read("data/images/a.png") == "a version 2!");
    CHECK(p.files_in("data/images") == 3);                       // the temporary file is gone
    CHECK(read_pointer(p.path("data/images.mlci"))->files == 3); // still v2
}

TEST_CASE("checkout of an unknown reference is a usage error", "[data]") {
    Project p;
    auto r = p.checkout("nope:v1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK_THAT(r.error().message, Catch::Contains("unknown reference 'nope:v1'"));
}

TEST_CASE("checkout refuses a missing blob before writing anything", "[data]") {
    Project p;
    auto [v1, v2] = two_versions(p);
    fs::remove(p.store.blob_path(hash::sha256_of("b")));
    auto r = p.checkout(v1);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("incomplete"));
    CHECK(p.read("data/images/a.png") == "a version 2!");
}

TEST_CASE("checkout turns a file into a folder and back", "[data]") {
    Project p;
    p.write("data/thing", "a file");
    auto v1 = p.add({"data/thing"});
    fs::remove(p.path("data/thing"));
    p.write("data/thing/inside.txt", "in a folder");
    auto v2 = p.add({"data/thing"});
    REQUIRE(p.checkout(v1));
    CHECK(p.read("data/thing") == "a file");
    CHECK(p.clean());
    REQUIRE(p.checkout(v2));
    CHECK(p.read("data/thing/inside.txt") == "in a folder");
    CHECK(p.clean());
}
