#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/registry/remotes.hpp>

using namespace mlci;
using namespace mlci::registry;

namespace {

config::ProjectConfig project_with(const std::string& yaml, const std::filesystem::path& root) {
    auto cfg = config::parse_project_config(yaml, root / "mlci.yaml");
    REQUIRE(cfg);
    return *cfg;
}

} // namespace

TEST_CASE("remotes: names are like git remote names", "[registry]") {
    for (auto good : {"origin", "a", "0", "team-ml", "ci.1", "x_y"})
        CHECK(validate_remote_name(good));
    for (auto bad : {"", "Origin", "-x", ".x", "_x", "a/b", "a b", "a:b", "é"})
        CHECK_FALSE(validate_remote_name(bad));
    CHECK_FALSE(validate_remote_name(std::string(65, 'a')));
    auto e = validate_remote_name("Bad");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == Exit::usage);
    CHECK(e.error().message.find("'Bad'") != std::string::npos);
}

TEST_CASE("remotes: a URL is what push takes, without tag or digest", "[registry]") {
    auto reg = parse_remote_url("localhost:5000/team");
    REQUIRE(reg);
    CHECK(reg->kind == RemoteRef::Kind::registry);
    CHECK(reg->repository == "team");
    auto layout = parse_remote_url("oci:/srv/layout");
    REQUIRE(layout);
    CHECK(layout->kind == RemoteRef::Kind::layout);
    CHECK_FALSE(parse_remote_url("localhost:5000/team:v1"));
    CHECK_FALSE(parse_remote_url("oci:/srv/layout:tag"));
    CHECK_FALSE(parse_remote_url("team/iris"));
    CHECK_FALSE(parse_remote_url("localhost:5000/Team"));
    CHECK(parse_remote_url("nothing").error().code == Exit::usage);
}

TEST_CASE("remotes: add, default, remove in the store", "[registry]") {
    testing::TempDir dir;
    auto store = *store::Store::init(dir / ".mlci");
    config::ProjectConfig none;
    none.root = dir.path();

    auto empty = load_remotes(store, none);
    REQUIRE(empty);
    CHECK(empty->list.empty());
    CHECK_FALSE(empty->default_remote());
    auto no_remote = pick_remote(*empty, "");
    REQUIRE_FALSE(no_remote);
    CHECK(no_remote.error().code == Exit::usage);
    CHECK(no_remote.error().message.find("mlci remote add origin") != std::string::npos);

    // The first remote added becomes the default; a later one does not.
    REQUIRE(add_remote(store, none, "origin", "localhost:5000/team", true, false));
    REQUIRE(add_remote(store, none, "backup", "oci:layout", false, false));
    auto r = load_remotes(store, none);
    REQUIRE(r);
    REQUIRE(r->list.size() == 2);
    CHECK(r->list[0].name == "backup"); // sorted by name
    CHECK(r->default_name == "origin");
    CHECK(r->find("origin")->plain_http);
    // A relative layout path is kept absolute.
    CHECK(r->find("backup")->ref.path.is_absolute());
    CHECK(std::filesystem::exists(dir / ".mlci" / "mlci" / "remotes.json"));

    // Refused: a name taken, a bad name, a bad URL; nothing changes.
    CHECK(add_remote(store, none, "origin", "localhost:5000/x", false, false).error().code ==
          Exit::usage);
    CHECK_FALSE(add_remote(store, none, "Bad", "localhost:5000/x", false, false));
    CHECK_FALSE(add_remote(store, none, "other", "not a url", false, false));
    CHECK(load_remotes(store, none)->list.size() == 2);

    // -d makes a later remote the default; `default` switches it.
    REQUIRE(add_remote(store, none, "third", "localhost:5000/third", false, true));
    CHECK(load_remotes(store, none)->default_name == "third");
    REQUIRE(set_default_remote(store, none, "backup"));
    CHECK(load_remotes(store, none)->default_name == "backup");
    CHECK(set_default_remote(store, none, "nope").error().code == Exit::usage);

    auto picked = pick_remote(*load_remotes(store, none), "");
    REQUIRE(picked);
    CHECK(picked->name == "backup");
    auto named = pick_remote(*load_remotes(store, none), "origin");
    REQUIRE(named);
    CHECK(named->name == "origin");
    CHECK_FALSE(pick_remote(*load_remotes(store, none), "nope"));

    // Removing the default leaves none (no guess); the others stay.
    REQUIRE(remove_remote(store, none, "backup"));
    auto after = load_remotes(store, none);
    REQUIRE(after);
    CHECK(after->list.size() == 2);
    CHECK(after->default_name.empty());
    auto which = pick_remote(*after, "");
    REQUIRE_FALSE(which);
    CHECK(which.error().message.find("mlci remote default") != std::string::npos);
    CHECK(remove_remote(store, none, "backup").error().code == Exit::usage);
}

TEST_CASE("remotes: mlci.yaml's, with the store's winning", "[registry]") {
    testing::TempDir dir;
    auto store = *store::Store::init(dir / ".mlci");
    auto project = project_with(R"(
remotes:
  shared: registry.example.com/team/ml
  local: {url: 'localhost:5000/mine', plain_http: true, default: true}
  files: {url: 'oci:layouts/ml'}
)",
                                dir.path());
    auto r = load_remotes(store, project);
    REQUIRE(r);
    REQUIRE(r->list.size() == 3);
    CHECK(r->default_name == "local");
    CHECK(r->find("local")->plain_http);
    CHECK(r->find("shared")->from_project);
    // A layout path in mlci.yaml is relative to the project.
    CHECK(r->find("files")->ref.path == dir.path() / "layouts" / "ml");

    // The store's remote of the same name wins, and so does its default.
    REQUIRE(add_remote(store, project, "shared", "localhost:5000/override", false, false));
    r = load_remotes(store, project);
    REQUIRE(r);
    CHECK(r->find("shared")->url == "localhost:5000/override");
    CHECK_FALSE(r->find("shared")->from_project);
    CHECK(r->default_name == "local"); // mlci.yaml's default was already there
    REQUIRE(set_default_remote(store, project, "shared"));
    CHECK(load_remotes(store, project)->default_name == "shared");
    // A default naming an mlci.yaml remote is fine too.
    REQUIRE(set_default_remote(store, project, "files"));
    CHECK(load_remotes(store, project)->default_name == "files");

    // mlci.yaml's remotes are the project's to remove.
    auto rm = remove_remote(store, project, "local");
    REQUIRE_FALSE(rm);
    CHECK(rm.error().message.find("mlci.yaml") != std::string::npos);
    // Removing the store's override brings mlci.yaml's back.
    REQUIRE(remove_remote(store, project, "shared"));
    CHECK(load_remotes(store, project)->find("shared")->url == "registry.example.com/team/ml");
}

TEST_CASE("remotes: mlci.yaml's remotes are checked", "[registry]") {
    testing::TempDir dir;
    auto store = *store::Store::init(dir / ".mlci");
    auto bad_url = project_with("remotes:\n  origin: not-a-registry\n", dir.path());
    auto r = load_remotes(store, bad_url);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::usage);
    CHECK(r.error().message.find("origin") != std::string::npos);
    auto bad_name = project_with("remotes:\n  Origin: localhost:5000/x\n", dir.path());
    CHECK_FALSE(load_remotes(store, bad_name));
    CHECK_FALSE(config::parse_project_config("remotes:\n  o: {url: 'localhost:5000/x', typo: 1}\n",
                                             dir / "mlci.yaml"));
    CHECK_FALSE(
        config::parse_project_config("remotes:\n  a: {url: 'localhost:5000/a', default: true}\n"
                                     "  b: {url: 'localhost:5000/b', default: true}\n",
                                     dir / "mlci.yaml"));
    CHECK_FALSE(config::parse_project_config("remotes: [a]\n", dir / "mlci.yaml"));
}

TEST_CASE("remotes: where an artifact goes on a remote", "[registry]") {
    NamedRemote reg{"origin", "localhost:5000/team", *parse_remote_url("localhost:5000/team"),
                    false, false};
    auto a = artifact_ref(reg, "iris-data", "v3");
    REQUIRE(a);
    CHECK(a->str() == "localhost:5000/team/iris-data:v3");
    NamedRemote lay{"files", "oci:/srv/l", *parse_remote_url("oci:/srv/l"), false, false};
    auto b = artifact_ref(lay, "iris-data", "v3");
    REQUIRE(b);
    CHECK(b->kind == RemoteRef::Kind::layout);
    CHECK(b->tag == "iris-data:v3");
    // A store name a registry cannot hold is refused, naming the remote.
    auto bad = artifact_ref(reg, "Iris", "v3");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("origin") != std::string::npos);

    CHECK(split_tag("iris:v3") == std::pair<std::string, std::string>{"iris", "v3"});
    CHECK(split_tag("iris") == std::pair<std::string, std::string>{"iris", "latest"});
}
