#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <mlci/core/fs.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/project/scaffold.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace mlci::project {

namespace {

// At most this many datasets are written out; more are left to the user.
constexpr size_t k_scaffold_datasets_max = 5;

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        if (!it->path().filename().string().starts_with("."))
            out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string find_script(const fs::path& dir) {
    for (auto* name : {"train.py", "src/train.py", "scripts/train.py", "training/train.py"})
        if (is_file(dir / name))
            return name;
    // Else a Python file whose name says train, then any top-level one.
    std::string any;
    for (auto& sub : {fs::path(), fs::path("src")})
        for (auto& p : sorted_entries(dir / sub))
            if (p.extension() == ".py" && is_file(p)) {
                auto rel = (sub / p.filename()).generic_string();
                if (p.filename().string().find("train") != std::string::npos)
                    return rel;
                if (any.empty() && sub.empty() && !p.filename().string().starts_with("test"))
                    any = rel;
            }
    return any;
}

// The file names in quotes in the script: model files and a metrics file.
void read_script(const fs::path& file, ProjectScan& scan) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto s = text.str();
    static const std::regex quoted(R"re(["']([A-Za-z0-9_./-]+)["'])re");
    std::set<std::string> outputs;
    for (auto it = std::sregex_iterator(s.begin(), s.end(), quoted); it != std::sregex_iterator();
         ++it) {
        auto name = (*it)[1].str();
        auto ext = fs::path(name).extension().string();
        if (ext == ".pkl" || ext == ".joblib" || ext == ".pt" || ext == ".pth" || ext == ".onnx" ||
            ext == ".h5" || ext == ".keras" || ext == ".safetensors")
            outputs.insert(name);
        else if (ext == ".json" && name.find("metric") != std::string::npos && scan.metrics.empty())
            scan.metrics = name;
    }
    scan.outputs.assign(outputs.begin(), outputs.end());
}

std::string tag_safe(const std::string& name) {
    auto out = data::default_dataset_name(name);
    return out.empty() ? "model" : out;
}

} // namespace

ProjectScan scan_project(const fs::path& dir) {
    ProjectScan scan;
    std::error_code ec;
    auto abs = fs::weakly_canonical(fs::absolute(dir), ec);
    scan.name = tag_safe(abs.filename().string());
    scan.script = find_script(dir);
    if (!scan.script.empty())
        read_script(dir / scan.script, scan);
    for (auto* folder : {"data", "dataset", "datasets", "input", "inputs"})
        if (is_dir(dir / folder))
            for (auto& p : sorted_entries(dir / folder))
                scan.datasets.push_back((fs::path(folder) / p.filename()).generic_string());
    for (auto* name : {"params.yaml", "params.yml", "params.json"})
        if (scan.params.empty() && is_file(dir / name))
            scan.params = name;
    for (auto* name : {"requirements.txt", "pyproject.toml", "environment.yml", "Pipfile"})
        if (scan.requirements.empty() && is_file(dir / name))
            scan.requirements = name;
    for (auto* name : {"tests", "test"})
        if (scan.tests.empty() && is_dir(dir / name))
            for (auto& p : sorted_entries(dir / name))
                if (p.filename().string().starts_with("test") && p.extension() == ".py") {
                    scan.tests = name;
                    break;
                }
    return scan;
}

std::string example_config(const ProjectScan& scan) {
    std::string y;
    auto line = [&](const std::string& text) {
        y += text;
        y += "\n";
    };
    line("# mlci.yaml: written by 'mlci init --example' from what this folder holds.");
    line("# Edit it to fit: every key is described in mlci.yaml(5) ('man 5 mlci.yaml'),");
    line("# and every setting has a flag that overrides it.");
    if (!scan.requirements.empty())
        line(fmt::format("# Found {}: install it before the steps run in CI.", scan.requirements));
    line("");
    line("# Datasets: 'mlci data-version add PATH' versions each one (a pointer file");
    line("# PATH.mlci goes in git), 'mlci test' checks its schema, 'mlci status' shows it.");
    std::vector<std::string> names;
    if (scan.datasets.empty()) {
        line("# datasets:");
        line("#   train-data:");
        line("#     path: data/train.csv");
    } else {
        line("datasets:");
        std::set<std::string> used;
        for (size_t i = 0; i < scan.datasets.size() && i < k_scaffold_datasets_max; ++i) {
            auto name = tag_safe(fs::path(scan.datasets[i]).filename().string());
            while (used.contains(name))
                name += "-" + std::to_string(i);
            used.insert(name);
            names.push_back(name);
            line(fmt::format("  {}:", name));
            line(fmt::format("    path: {}", scan.datasets[i]));
            if (i == 0) {
                line("    # schema:                  # what 'mlci test' checks in a CSV file");
                line("    #   columns:");
                line("    #     label: {type: string, allowed: [a, b]}");
                line("    #   rows: {min: 100}");
            }
        }
        for (size_t i = k_scaffold_datasets_max; i < scan.datasets.size(); ++i)
            line(fmt::format("  # and {}", scan.datasets[i]));
    }
    line("");
    line("# Params: a file the command reads ($MLCI_PARAMS has them as JSON); -p KEY=VALUE");
    line("# overrides one, --grid KEY=V1,V2 sweeps it.");
    line(scan.params.empty() ? "# params: params.yaml" : fmt::format("params: {}", scan.params));
    line("");
    line("# Train: 'mlci train' runs the command and records the run (params, inputs, git");
    line("# state, outputs, metrics); the same facts again restore the run from the cache.");
    std::string p = scan.script.empty() ? "# " : "";
    line(p + "train:");
    line(p + fmt::format("  command: [python3, {}]   # a list runs as is; a string runs with sh -c",
                         scan.script.empty() ? "train.py" : scan.script));
    if (!names.empty()) {
        std::string list;
        for (auto& n : names)
            list += (list.empty() ? "" : ", ") + n;
        line(p +
             fmt::format("  inputs: [{}]   # datasets above, recorded as the run's lineage", list));
    }
    auto outputs = scan.outputs.empty() ? std::string("model.pkl") : [&] {
        std::string l;
        for (auto& o : scan.outputs)
            l += (l.empty() ? "" : ", ") + o;
        return l;
    }();
    line((scan.outputs.empty() ? "  # " : p + "  ") +
         fmt::format("outputs: [{}]   # files the command writes, stored with the run", outputs));
    line((scan.metrics.empty() ? "  # " : p + "  ") +
         fmt::format("metrics: {}   # a JSON object of numbers the command writes",
                     scan.metrics.empty() ? "metrics.json" : scan.metrics));
    line(p +
         fmt::format("  name: {}   # runs are {}:v1, {}:v2, ...", scan.name, scan.name, scan.name));
    line("  # timeout: 1h");
    line("");
    line("# Test: suites of tests and data checks, recorded as a test report.");
    std::string t = scan.tests.empty() ? "# " : "";
    line(t + "test:");
    line(t + "  suites:");
    line(t + fmt::format("    unit: {{command: [python3, -m, pytest, -q, {}]}}",
                         scan.tests.empty() ? "tests" : scan.tests));
    if (!names.empty())
        line(t + fmt::format("  data: [{}]   # datasets whose schema to check", names.front()));
    line("");
    line("# Validate: the gate a run must pass before 'mlci package' takes it. Name");
    line("# the metrics your command writes.");
    line("# validate:");
    line("#   require: [\"accuracy >= 0.9\"]");
    line("#   max_regression: {accuracy: 0.02}   # against --baseline");
    line("");
    line("# Retention: 'mlci gc' keeps the newest versions of each name.");
    line("# gc:");
    line("#   keep_last: 10");
    return y;
}

Result<ProjectScan> write_example(const fs::path& dir) {
    auto file = (dir / "mlci.yaml").lexically_normal();
    std::error_code ec;
    if (fs::exists(file, ec))
        return usage_error("'{}' exists: 'mlci init --example' never overwrites it (move it away "
                           "to write a new one)",
                           file.string());
    auto scan = scan_project(dir);
    MLCI_TRY(write_file_atomic(file, example_config(scan), true));
    return scan;
}

} // namespace mlci::project
