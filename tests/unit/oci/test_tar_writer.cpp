#include "../temp_dir.hpp"
#include "tar_reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/oci/epoch.hpp>
#include <mlci/oci/tar_writer.hpp>

using namespace mlci;
using namespace mlci::oci;

namespace {

std::filesystem::path write(const testing::TempDir& dir, const std::string& name,
                            const std::string& content) {
    auto p = dir / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

TarEntry file(const std::string& path, const std::filesystem::path& source, bool exec = false) {
    return {path, source, std::filesystem::file_size(source), exec, false};
}

std::string tar_of(std::vector<TarEntry> entries, int64_t mtime) {
    std::string out;
    auto s = write_tar(std::move(entries), mtime, [&](const void* d, size_t n) {
        out.append(static_cast<const char*>(d), n);
        return Status();
    });
    REQUIRE(s);
    return out;
}

} // namespace

TEST_CASE("oci tar: entries sorted, parents added, metadata fixed", "[oci]") {
    testing::TempDir dir;
    auto a = write(dir, "a.bin", "alpha");
    auto b = write(dir, "b.sh", "#!/bin/sh\n");
    auto tar = tar_of({file("model/sub/z.bin", a), file("model/a-b", a),
                       file("app/run.sh", b, true), tar_directory("empty")},
                      k_fixed_epoch);
    auto entries = testing::read_tar(tar);
    std::vector<std::string> paths;
    paths.reserve(entries.size());
    for (auto& e : entries)
        paths.push_back(e.path);
    CHECK(paths == std::vector<std::string>{"app/", "app/run.sh", "empty/", "model/", "model/a-b",
                                            "model/sub/", "model/sub/z.bin"});
    for (auto& e : entries) {
        CHECK(e.mtime == k_fixed_epoch);
        CHECK(e.uid == 0);
        CHECK(e.gid == 0);
        CHECK(e.uname.empty());
        CHECK(e.gname.empty());
        CHECK(e.mode == (e.directory || e.path == "app/run.sh" ? 0755u : 0644u));
    }
    CHECK(entries[6].content == "alpha");
    // No 10 KiB record padding: headers, data blocks and the two end blocks.
    CHECK(tar.size() == 7 * 512 + 3 * 512 + 1024);
    CHECK(estimated_tar_size(*normalise_entries({file("model/sub/z.bin", a), file("model/a-b", a),
                                                 file("app/run.sh", b, true),
                                                 tar_directory("empty")})) == tar.size());
}

TEST_CASE("oci tar: the same files give the same bytes; the mtime is the one given", "[oci]") {
    testing::TempDir dir;
    auto a = write(dir, "x/model.pkl", std::string(100000, 'm'));
    auto one = tar_of({file("model/model.pkl", a)}, k_fixed_epoch);
    std::filesystem::last_write_time(a, std::filesystem::file_time_type::clock::now());
    auto two = tar_of({file("model/model.pkl", a)}, k_fixed_epoch);
    CHECK(one == two);
    auto later = tar_of({file("model/model.pkl", a)}, 1700000000);
    CHECK(later != one);
    CHECK(testing::read_tar(later)[1].mtime == 1700000000);
}

TEST_CASE("oci tar: long and non-ASCII names survive", "[oci]") {
    testing::TempDir dir;
    auto a = write(dir, "a", "x");
    std::string long_name = "model/" + std::string(150, 'd') + "/" + std::string(120, 'f');
    auto tar = tar_of({file(long_name, a), file("model/modèle.bin", a)}, k_fixed_epoch);
    auto entries = testing::read_tar(tar);
    std::vector<std::string> paths;
    paths.reserve(entries.size());
    for (auto& e : entries)
        paths.push_back(e.path);
    CHECK(std::find(paths.begin(), paths.end(), long_name) != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "model/modèle.bin") != paths.end());
}

TEST_CASE("oci tar: unsafe, repeated and changing files are refused", "[oci]") {
    testing::TempDir dir;
    auto a = write(dir, "a", "abc");
    CHECK(normalise_entries({file("../etc/passwd", a)}).error().code == Exit::usage);
    CHECK(normalise_entries({file("/abs", a)}).error().code == Exit::usage);
    CHECK(normalise_entries({file("a//b", a)}).error().code == Exit::usage);
    CHECK(normalise_entries({file("m/a", a), file("m/a", a)}).error().code == Exit::usage);
    // A folder named twice, or implied and named, is one entry.
    auto merged = normalise_entries({tar_directory("m"), file("m/a", a), tar_directory("m/")});
    REQUIRE(merged);
    CHECK(merged->size() == 2);
    // A file whose size is not the one listed (it changed since) is an error.
    TarEntry wrong{"m/a", a, 10, false, false};
    auto s = write_tar({wrong}, 0, [](const void*, size_t) { return Status(); });
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("changed size") != std::string::npos);
}

TEST_CASE("oci tar: a sink error stops the writer and is returned", "[oci]") {
    testing::TempDir dir;
    auto a = write(dir, "a", std::string(3 << 20, 'q'));
    auto s = write_tar({file("m/a", a)}, 0,
                       [](const void*, size_t) -> Status { return runtime_error("disk full"); });
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "disk full");
}

TEST_CASE("oci epoch: SOURCE_DATE_EPOCH is read and checked", "[oci]") {
    ::unsetenv("SOURCE_DATE_EPOCH");
    CHECK(source_date_epoch().value() == std::nullopt);
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    CHECK(source_date_epoch().value() == 1700000000);
    ::setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    CHECK(source_date_epoch().error().code == Exit::usage);
    ::unsetenv("SOURCE_DATE_EPOCH");
    CHECK(rfc3339(k_fixed_epoch) == "1980-01-01T00:00:00Z");
}
