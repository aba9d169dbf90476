#include <catch2/catch.hpp>
#include <mlci/project/scaffold.hpp>

using namespace mlci;
using namespace mlci::project;

TEST_CASE("init json: the store, whether it was made, gitignore, config", "[project][init]") {
    InitReport fresh{"/p/.mlci", true, true, std::nullopt};
    CHECK(to_json(fresh) ==
          nlohmann::json{{"store", "/p/.mlci"}, {"created", true}, {"gitignore", true}});
    CHECK_FALSE(to_json(fresh).contains("config"));

    InitReport again{"/s", false, false, fs::path("proj/mlci.yaml")};
    auto j = to_json(again);
    CHECK(j.size() == 4);
    CHECK(j["store"] == "/s");
    CHECK(j["created"] == false);
    CHECK(j["gitignore"] == false);
    CHECK(j["config"] == "proj/mlci.yaml");
}
