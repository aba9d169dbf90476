#include "../temp_dir.hpp"
#include "test_artifact.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/maintenance.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <set>
#include <sstream>
#include <sys/inotify.h>
#include <thread>
#include <unistd.h>

using namespace mlci;
using namespace mlci::store;

TEST_CASE("init makes an OCI image layout", "[store]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    CHECK(std::filesystem::exists(dir / ".mlci/oci-layout"));
    CHECK(std::filesystem::exists(dir / ".mlci/index.json"));
    CHECK(std::filesystem::is_directory(dir / ".mlci/blobs/sha256"));
    auto entries = s->entries();
    REQUIRE(entries);
    CHECK(entries->empty());
    CHECK(Store::open(dir / ".mlci"));
    auto missing = Store::open(dir / "nothing");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::usage);
}

TEST_CASE("discover walks up from the working directory", "[store]") {
    testing::TempDir dir;
    REQUIRE(Store::init(dir / ".mlci"));
    std::filesystem::create_directories(dir / "a/b/c");
    auto s = Store::discover(std::nullopt, dir / "a/b/c");
    REQUIRE(s);
    CHECK(s->root() == (dir / ".mlci").lexically_normal());
    auto explicit_store = Store::discover(dir.path() / "elsewhere", dir / "a");
    CHECK_FALSE(explicit_store);
}

TEST_CASE("blobs are stored once under their digest and read back verified", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto a = s.put_blob("hello", "text/plain");
    auto b = s.put_blob("hello", "text/plain");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->digest == b->digest);
    CHECK(a->digest == hash::sha256_of("hello"));
    CHECK(*s.read_blob(a->digest) == "hello");

    // Tampering is detected on read.
    auto path = s.blob_path(a->digest);
    std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    REQUIRE(write_file_atomic(path, "HELLO", false));
    auto r = s.read_blob(a->digest);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("corrupt") != std::string::npos);
}

TEST_CASE("a streamed blob lands only on commit", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    {
        auto w = s.begin_blob();
        REQUIRE(w);
        REQUIRE(w->write("abandoned", 9));
    } // destroyed without commit: nothing left behind
    CHECK(std::filesystem::is_empty(s.temp_dir()));
    CHECK_FALSE(s.has_blob(hash::sha256_of("abandoned")));

    auto w = s.begin_blob();
    REQUIRE(w);
    REQUIRE(w->write("kept", 4));
    bool existed = true;
    auto d = w->commit("text/plain", &existed);
    REQUIRE(d);
    CHECK_FALSE(existed);
    CHECK(d->size == 4);
    CHECK(s.has_blob(hash::sha256_of("kept")));
}

TEST_CASE("a blob copied from a file holds what was hashed, small or pipelined", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    // 3 bytes, and 21 MiB + 5 (past the pipelining threshold, not a whole chunk).
    for (size_t size : {size_t{3}, size_t{(21u << 20) + 5}}) {
        std::string content(size, '\0');
        for (size_t i = 0; i < size; ++i)
            content[i] = static_cast<char>((i * 2654435761u) >> 13);
        auto file = dir / "source.bin";
        REQUIRE(write_file_atomic(file, content));
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        auto w = s.begin_blob();
        REQUIRE(w);
        auto copied = w->write_from(fd, file);
        ::close(fd);
        REQUIRE(copied);
        auto d = w->commit("application/octet-stream");
        REQUIRE(d);
        CHECK(d->size == size);
        CHECK(d->digest == hash::sha256_of(content));
        CHECK(*s.read_blob(d->digest) == content);
    }
    // A descriptor that cannot be read is an error naming the file.
    auto w = s.begin_blob();
    REQUIRE(w);
    auto bad = w->write_from(-1, dir / "gone.bin");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("gone.bin") != std::string::npos);
}

TEST_CASE("versions count up and latest follows", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto a = testing::put_test_artifact(s, "one");
    auto b = testing::put_test_artifact(s, "two");
    CHECK(*s.tag_next_version(a, "iris") == "iris:v1");
    CHECK(*s.tag_next_version(b, "iris") == "iris:v2");
    std::istringstream no_input;
    CHECK(resolve(s, "iris", no_input)->descriptor.digest == b.digest);
    CHECK(resolve(s, "iris:v1", no_input)->descriptor.digest == a.digest);
    CHECK_FALSE(s.tag_next_version(a, "bad name"));
    CHECK_FALSE(s.tag_next_version(a, "iris:v3"));
}

TEST_CASE("concurrent taggers never lose an update", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    std::vector<Descriptor> artifacts;
    artifacts.reserve(16);
    for (int i = 0; i < 16; ++i)
        artifacts.push_back(testing::put_test_artifact(s, "artifact " + std::to_string(i)));
    // Catch's assertions are not thread-safe: each thread records its result.
    std::vector<char> tagged(16, 0);
    std::vector<std::jthread> threads;
    threads.reserve(16);
    for (size_t i = 0; i < 16; ++i)
        threads.emplace_back([&, i] {
            auto copy = *Store::open(dir / ".mlci");
            tagged[i] = copy.tag_next_version(artifacts[i], "many").has_value();
        });
    threads.clear();
    CHECK(std::count(tagged.begin(), tagged.end(), 1) == 16);
    auto entries = *s.entries();
    std::set<std::string> tags;
    for (auto& e : entries)
        tags.insert(e.tag);
    for (int v = 1; v <= 16; ++v)
        CHECK(tags.contains("many:v" + std::to_string(v)));
}

TEST_CASE("references: digests, prefixes, stdin, errors", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto a = testing::put_test_artifact(s, "alpha");
    REQUIRE(s.add_to_index(a, {"thing:v1"}));
    std::istringstream none;
    CHECK(resolve(s, a.digest.str(), none)->descriptor.digest == a.digest);
    CHECK(resolve(s, std::string(a.digest.hex().substr(0, 7)), none)->descriptor.digest ==
          a.digest);
    CHECK(resolve(s, "thing@" + a.digest.str(), none)->descriptor.digest == a.digest);
    std::istringstream in("\n  thing:v1  \n");
    CHECK(resolve(s, "-", in)->tag == "thing:v1");
    std::istringstream empty;
    auto no_stdin = resolve(s, "-", empty);
    REQUIRE_FALSE(no_stdin);
    // An empty pipe means an earlier step made nothing: a gate failure (exit 1).
    CHECK(no_stdin.error().code == Exit::gate);
    auto unknown = resolve(s, "other:v1", none);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("unknown reference 'other:v1'") != std::string::npos);
    CHECK_FALSE(resolve(s, "abc", none)); // too short to be a prefix, not a tag
    CHECK(is_remote_reference("localhost:5000/team/model:1"));
    CHECK(is_remote_reference("ghcr.io/x/y"));
    CHECK_FALSE(is_remote_reference("iris:v1"));
}

TEST_CASE("verify finds corrupt and missing blobs; gc keeps what is reachable", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto kept = testing::put_test_artifact(s, "kept");
    REQUIRE(s.add_to_index(kept, {"kept:v1"}));
    auto orphan = testing::put_test_artifact(s, "orphan");
    auto report = verify(s, 2, {});
    REQUIRE(report);
    CHECK(report->problems.empty());

    auto gc_report = gc(s, {false, std::chrono::seconds(0), {}});
    REQUIRE(gc_report);
    CHECK(s.has_blob(kept.digest));
    CHECK_FALSE(s.has_blob(orphan.digest));
    CHECK(verify(s, 2, {})->problems.empty());

    auto m = *s.read_manifest(kept.digest);
    std::filesystem::remove(s.blob_path(m.layers[0].digest));
    auto broken = verify(s, 1, {});
    REQUIRE(broken);
    REQUIRE(broken->problems.size() == 1);
    CHECK(broken->problems[0].find("missing blob") != std::string::npos);
}

TEST_CASE("lineage annotations are edges gc follows", "[store]") {
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto input = testing::put_test_artifact(s, "input");
    auto config = *s.put_blob("{}", "application/vnd.test.config+json");
    Manifest m;
    m.config = config;
    m.annotations["dev.mlci.lineage.inputs"] = input.digest.str() + "," + input.digest.str();
    auto derived = *s.put_manifest(m);
    REQUIRE(s.add_to_index(derived, {"derived:v1"}));
    CHECK(lineage_digests(m.annotations).size() == 2);
    REQUIRE(gc(s, {false, std::chrono::seconds(0), {}}));
    CHECK(s.has_blob(input.digest)); // reachable only through lineage
}

TEST_CASE("a name belongs to one kind of artifact", "[store]") {
    testing::TempDir dir;
    auto s = Store::init(dir / ".mlci");
    REQUIRE(s);
    auto run = testing::put_test_artifact(*s, "a"); // application/vnd.test.v1
    REQUIRE(s->tag_next_version(run, "train"));
    auto config = s->put_blob("{}", "application/vnd.test.config+json");
    REQUIRE(config);
    Manifest m;
    m.artifact_type = k_type_dataset;
    m.config = *config;
    auto dataset = s->put_manifest(m);
    REQUIRE(dataset);
    auto refused = s->tag_next_version(*dataset, "train");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Exit::usage);
    CHECK_THAT(refused.error().message,
               Catch::Contains("name 'train' belongs to") &&
                   Catch::Contains("a dataset cannot continue their versions"));
    CHECK_FALSE(check_name_kind(*s, "train", k_type_dataset));
    CHECK(check_name_kind(*s, "train", "application/vnd.test.v1"));
    CHECK(s->tag_next_version(*dataset, "iris") == std::string("iris:v1"));
    CHECK(s->tag_next_version(run, "train") == std::string("train:v2"));
    CHECK(kind_name(k_type_test_report) == "test report");
    CHECK(kind_name("") == "image");
}

TEST_CASE("a store is given as itself or as the project folder holding it", "[store]") {
    testing::TempDir dir;
    REQUIRE(Store::init(dir / ".mlci"));
    CHECK(Store::given_store(dir.path()) == dir / ".mlci");
    CHECK(Store::given_store(dir / ".mlci") == dir / ".mlci");
    auto found = Store::discover(dir.path(), "/");
    REQUIRE(found);
    CHECK(found->root() == (dir / ".mlci").lexically_normal());
    CHECK_FALSE(Store::discover(dir / "nothing", "/"));
}

TEST_CASE("a blob is written beside the blobs, not among them", "[store]") {
    // A kill between a write and its rename must leave nothing in
    // blobs/sha256, where verify takes any file that is not a blob for
    // damage: watch every file created there while blobs are put.
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto blobs = dir / ".mlci/blobs/sha256";
    UniqueFd watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    REQUIRE(watch);
    REQUIRE(::inotify_add_watch(watch.get(), blobs.c_str(), IN_CREATE | IN_MOVED_TO) >= 0);
    auto kept = testing::put_test_artifact(s, "watched");
    REQUIRE(s.put_blob("one more blob", "application/octet-stream"));

    std::vector<std::string> created, moved_in;
    alignas(inotify_event) char buf[8192];
    for (ssize_t n; (n = ::read(watch.get(), buf, sizeof buf)) > 0;)
        for (ssize_t at = 0; at < n;) {
            auto* ev = reinterpret_cast<inotify_event*>(buf + at);
            (ev->mask & IN_CREATE ? created : moved_in).emplace_back(ev->name);
            at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        }
    CHECK(created.empty());
    CHECK(moved_in.size() >= 3); // the artifact's blobs and the one more
    for (auto& name : moved_in)
        CHECK(hash::is_sha256_hex(name));
    CHECK(s.has_blob(kept.digest));
}

TEST_CASE("an unfinished write among the blobs is named by verify and removed by gc", "[store]") {
    // What a kill left behind in a store written by an older version.
    testing::TempDir dir;
    auto s = *Store::init(dir / ".mlci");
    auto kept = testing::put_test_artifact(s, "kept");
    REQUIRE(s.add_to_index(kept, {"kept:v1"}));
    auto leftover = temp_path_for(s.blob_path(kept.digest));
    REQUIRE(write_file_atomic(dir / "x", "half a blob"));
    std::filesystem::rename(dir / "x", leftover);

    auto before = verify(s, 1, {});
    REQUIRE(before);
    REQUIRE(before->problems.size() == 1);
    CHECK(before->problems[0].find("unfinished write") != std::string::npos);
    CHECK(before->problems[0].find("mlci gc") != std::string::npos);

    auto kept_young = gc(s, {false, std::chrono::hours(1), {}});
    REQUIRE(kept_young);
    CHECK(std::filesystem::exists(leftover)); // it may be a running writer's
    auto cleaned = gc(s, {false, std::chrono::seconds(0), {}});
    REQUIRE(cleaned);
    CHECK(cleaned->temp_files_removed >= 1);
    CHECK_FALSE(std::filesystem::exists(leftover));
    CHECK(s.has_blob(kept.digest));
    CHECK(verify(s, 1, {})->problems.empty());
}
