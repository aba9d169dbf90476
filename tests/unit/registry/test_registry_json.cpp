#include <catch2/catch.hpp>
#include <mlci/registry/registry_json.hpp>

using namespace mlci;
using namespace mlci::registry;

namespace {

hash::Digest registry_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

NamedRemote named_remote(const std::string& name, const std::string& url, bool plain_http,
                         bool from_project) {
    auto ref = parse_remote_url(url);
    REQUIRE(ref);
    return {name, url, *ref, plain_http, from_project};
}

} // namespace

TEST_CASE("registry json: push", "[registry][registry_json]") {
    PushReport r;
    r.reference = "localhost:5000/team/iris:v3@" + registry_json_digest('a').str();
    r.digest = registry_json_digest('a');
    r.tag = "v3";
    r.blobs = 9;
    r.blobs_present = 4;
    r.blobs_uploaded = 3;
    r.bytes_uploaded = 12345;
    r.blobs_mounted = 2;
    r.manifests_pushed = 2;
    r.referrers = 1;
    r.retries = 5;
    CHECK(to_json(r) == nlohmann::json{{"reference", r.reference},
                                       {"digest", registry_json_digest('a').str()},
                                       {"tag", "v3"},
                                       {"blobs", 9},
                                       {"blobs_present", 4},
                                       {"blobs_uploaded", 3},
                                       {"bytes_uploaded", 12345},
                                       {"blobs_mounted", 2},
                                       {"manifests_pushed", 2},
                                       {"referrers", 1},
                                       {"retries", 5}});
    r.tag.clear(); // pushed by digest: an empty tag, not null
    CHECK(to_json(r)["tag"] == "");
}

TEST_CASE("registry json: pull", "[registry][registry_json]") {
    PullReport r;
    r.reference = "iris:v3";
    r.source = "localhost:5000/team/iris@" + registry_json_digest('b').str();
    r.digest = registry_json_digest('b');
    r.blobs = 8;
    r.blobs_present = 1;
    r.blobs_downloaded = 7;
    r.bytes_downloaded = 999;
    r.packs_ranged = 2;
    r.manifests = 3;
    r.referrers = 1;
    r.retries = 0;
    r.files = 50;
    r.files_selected = 10;
    auto j = to_json(r);
    CHECK(j.size() == 13);
    CHECK(j["reference"] == "iris:v3");
    CHECK(j["digest"] == registry_json_digest('b').str());
    CHECK(j["source"] == r.source);
    CHECK(j["blobs"] == 8);
    CHECK(j["blobs_present"] == 1);
    CHECK(j["blobs_downloaded"] == 7);
    CHECK(j["bytes_downloaded"] == 999);
    CHECK(j["packs_ranged"] == 2);
    CHECK(j["manifests"] == 3);
    CHECK(j["referrers"] == 1);
    CHECK(j["retries"] == 0);
    CHECK(j["files"] == 50);
    CHECK(j["files_selected"] == 10);
}

TEST_CASE("registry json: remotes", "[registry][registry_json]") {
    CHECK(added_remote_json("origin", "oci:layout", true) ==
          nlohmann::json{{"name", "origin"}, {"url", "oci:layout"}, {"default", true}});
    CHECK(added_remote_json("b", "localhost:5000/t", false)["default"] == false);

    Remotes remotes;
    remotes.list = {named_remote("local", "localhost:5000/team", true, true),
                    named_remote("origin", "registry.example.com/team/ml", false, false)};
    remotes.default_name = "origin";
    auto j = to_json(remotes);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    CHECK(j[0] == nlohmann::json{{"name", "local"},
                                 {"url", "localhost:5000/team"},
                                 {"plain_http", true},
                                 {"default", false},
                                 {"source", "mlci.yaml"}});
    CHECK(j[1]["name"] == "origin");
    CHECK(j[1]["url"] == "registry.example.com/team/ml");
    CHECK(j[1]["plain_http"] == false);
    CHECK(j[1]["default"] == true);
    CHECK(j[1]["source"] == "store");
    CHECK(to_json(Remotes{}) == nlohmann::json::array());
}

TEST_CASE("registry json: login and logout", "[registry][registry_json]") {
    CHECK(login_json("registry.example.com", "ci", "/home/ci/.config/mlci/auth.json") ==
          nlohmann::json{{"host", "registry.example.com"},
                         {"username", "ci"},
                         {"file", "/home/ci/.config/mlci/auth.json"}});
    CHECK(logout_json("localhost:5000", true) ==
          nlohmann::json{{"host", "localhost:5000"}, {"removed", true}});
    CHECK(logout_json("localhost:5000", false)["removed"] == false);
}
