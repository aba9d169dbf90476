#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/config/project_config.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/project/scaffold.hpp>

using namespace mlci;

namespace {

void scaffold_write(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

} // namespace

TEST_CASE("init --example: the config found parses and names what is there", "[project]") {
    testing::TempDir dir;
    scaffold_write(dir / "src/train.py",
                   "import json\njson.dump(m, open('out/metrics.json', 'w'))\n"
                   "pickle.dump(model, open(\"model.pkl\", \"wb\"))\n");
    scaffold_write(dir / "data/iris.csv", "a,b\n1,2\n");
    scaffold_write(dir / "data/images/x.png", "png");
    scaffold_write(dir / "params.yaml", "lr: 0.1\n");
    scaffold_write(dir / "requirements.txt", "scikit-learn\n");
    scaffold_write(dir / "tests/test_model.py", "def test(): pass\n");

    auto scan = project::scan_project(dir.path());
    CHECK(scan.script == "src/train.py");
    CHECK(scan.datasets == std::vector<std::string>{"data/images", "data/iris.csv"});
    CHECK(scan.outputs == std::vector<std::string>{"model.pkl"});
    CHECK(scan.metrics == "out/metrics.json");
    CHECK(scan.params == "params.yaml");
    CHECK(scan.requirements == "requirements.txt");
    CHECK(scan.tests == "tests");

    auto written = project::write_example(dir.path());
    REQUIRE(written);
    auto cfg = config::load_project_config(dir / "mlci.yaml");
    REQUIRE(cfg);
    REQUIRE(cfg->train);
    CHECK(cfg->train->command.argv == std::vector<std::string>{"python3", "src/train.py"});
    CHECK(cfg->train->inputs == std::vector<std::string>{"images", "iris"});
    CHECK(cfg->train->outputs == std::vector<std::string>{"model.pkl"});
    CHECK(cfg->train->metrics == "out/metrics.json");
    REQUIRE(cfg->datasets.size() == 2);
    CHECK(cfg->datasets[1].path == "data/iris.csv");
    CHECK(cfg->params_file == "params.yaml");
    REQUIRE(cfg->test);
    CHECK(cfg->test->suites.size() == 1);

    // Never overwritten.
    auto again = project::write_example(dir.path());
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Exit::usage);
}

TEST_CASE("init --example in an empty folder writes a config that parses", "[project]") {
    testing::TempDir dir;
    auto written = project::write_example(dir.path());
    REQUIRE(written);
    auto cfg = config::load_project_config(dir / "mlci.yaml");
    REQUIRE(cfg);
    CHECK_FALSE(cfg->train);
    CHECK(cfg->datasets.empty());
}
