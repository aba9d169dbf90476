#include <mlci/config/project_config.hpp>
#include <mlci/config/yaml_util.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/store/store.hpp>

namespace mlci::config {

namespace {

using Path = std::filesystem::path;

Result<ColumnRule> parse_column(const Path& file, const YAML::Node& node, const std::string& key) {
    MLCI_TRY(expect_keys(file, node, key,
                         {"type", "min", "max", "allowed", "nullable", "max_null_fraction"}));
    ColumnRule r;
    if (auto n = node["type"]) {
        MLCI_TRY_ASSIGN(t, as_string(file, n, key + ".type"));
        if (t != "int" && t != "number" && t != "string" && t != "bool")
            return bad_key(file, n, key + ".type",
                           fmt::format("unknown type '{}' (int, number, string or bool)", t));
        r.type = t;
    }
    if (auto n = node["min"]) {
        MLCI_TRY_ASSIGN(v, as_number(file, n, key + ".min"));
        r.min = v;
    }
    if (auto n = node["max"]) {
        MLCI_TRY_ASSIGN(v, as_number(file, n, key + ".max"));
        r.max = v;
    }
    if (auto n = node["allowed"]) {
        MLCI_TRY_ASSIGN(v, as_string_list(file, n, key + ".allowed"));
        r.allowed = std::move(v);
    }
    if (auto n = node["nullable"]) {
        MLCI_TRY_ASSIGN(v, as_bool(file, n, key + ".nullable"));
        r.nullable = v;
    }
    if (auto n = node["max_null_fraction"]) {
        MLCI_TRY_ASSIGN(v, as_number(file, n, key + ".max_null_fraction"));
        r.max_null_fraction = v;
    }
    return r;
}

Result<DatasetConfig> parse_dataset(const Path& file, const std::string& name,
                                    const YAML::Node& node) {
    auto key = "datasets." + name;
    MLCI_TRY(expect_keys(file, node, key, {"path", "schema", "reference", "max_drift"}));
    DatasetConfig d;
    d.name = name;
    if (!node["path"])
        return bad_key(file, node, key + ".path", "missing (the dataset's file or folder)");
    MLCI_TRY_ASSIGN(path, as_string(file, node["path"], key + ".path"));
    d.path = path;
    if (auto n = node["schema"]) {
        MLCI_TRY_ASSIGN(s, parse_schema(n, file));
        d.schema = std::move(s);
    }
    if (auto n = node["reference"]) {
        MLCI_TRY_ASSIGN(r, as_string(file, n, key + ".reference"));
        d.reference = r;
    }
    if (auto n = node["max_drift"]) {
        MLCI_TRY_ASSIGN(v, as_number(file, n, key + ".max_drift"));
        d.max_drift = v;
    }
    return d;
}

Result<std::map<std::string, std::string>> parse_env(const Path& file, const YAML::Node& node,
                                                     const std::string& key) {
    if (!node.IsMap())
        return bad_key(file, node, key, "expected a mapping of names to values");
    std::map<std::string, std::string> env;
    for (auto it = node.begin(); it != node.end(); ++it) {
        MLCI_TRY_ASSIGN(k, key_text(file, it->first));
        MLCI_TRY_ASSIGN(v, as_string(file, it->second, fmt::format("{}.{}", key, k)));
        env[k] = v;
    }
    return env;
}

// The keys a stage and the one-command form share.
Status parse_run_keys(const Path& file, const YAML::Node& node, const std::string& key,
                      CommandSpec& command, std::vector<std::string>& inputs,
                      std::vector<std::string>& outputs, std::vector<std::string>& deps,
                      std::string& metrics, std::optional<double>& timeout,
                      std::map<std::string, std::string>& env) {
    if (auto n = node["command"]) {
        MLCI_TRY_ASSIGN(c, parse_command(file, n, key + ".command"));
        command = std::move(c);
    }
    for (auto [name, list] : {std::pair{"inputs", &inputs}, {"outputs", &outputs}, {"deps", &deps}})
        if (auto n = node[name]) {
            MLCI_TRY_ASSIGN(v, as_string_list(file, n, key + "." + name));
            *list = std::move(v);
        }
    if (auto n = node["metrics"]) {
        MLCI_TRY_ASSIGN(v, as_string(file, n, key + ".metrics"));
        metrics = v;
    }
    if (auto n = node["timeout"]) {
        MLCI_TRY_ASSIGN(v, as_duration(file, n, key + ".timeout"));
        timeout = to_seconds(v);
    }
    if (auto n = node["env"]) {
        MLCI_TRY_ASSIGN(v, parse_env(file, n, key + ".env"));
        env = std::move(v);
    }
    return {};
}

// train.stages: NAME: {command, needs, deps, inputs, outputs, metrics, params, timeout, env}.
// The graph (needs, deps on another stage's outputs) is checked in train/stage_graph.
Result<std::vector<StageConfig>> parse_stages(const Path& file, const YAML::Node& node) {
    if (!node.IsMap() || node.size() == 0)
        return bad_key(file, node, "train.stages", "expected a mapping of stage names");
    std::vector<StageConfig> out;
    for (auto it = node.begin(); it != node.end(); ++it) {
        MLCI_TRY_ASSIGN(name, key_text(file, it->first));
        auto key = "train.stages." + name;
        YAML::Node v = it->second; // a copy: `it->second` lives in a temporary
        if (!store::validate_tag(name) || name.find_first_of(":/") != std::string::npos)
            return bad_key(file, it->first, key,
                           "a stage name is letters, digits, '.', '-' and '_', starting with a "
                           "letter or digit");
        MLCI_TRY(expect_keys(file, v, key,
                             {"command", "needs", "deps", "inputs", "outputs", "metrics", "params",
                              "timeout", "env"}));
        StageConfig s;
        s.name = name;
        s.where = where(file, it->first) + ": ";
        if (!v["command"])
            return bad_key(file, v, key + ".command", "missing (the stage's command)");
        MLCI_TRY(parse_run_keys(file, v, key, s.command, s.inputs, s.outputs, s.deps, s.metrics,
                                s.timeout_seconds, s.env));
        for (auto [k, list] : {std::pair{"needs", &s.needs}, {"params", &s.params}})
            if (auto n = v[k]) {
                MLCI_TRY_ASSIGN(l, as_string_list(file, n, key + "." + k));
                *list = std::move(l);
            }
        out.push_back(std::move(s));
    }
    return out;
}

Result<TrainConfig> parse_train(const Path& file, const YAML::Node& node) {
    TrainConfig t;
    if (node.IsMap() && node["stages"]) {
        // Each stage says what it runs, reads and writes; only what they share stays here.
        MLCI_TRY(expect_keys(file, node, "train (with stages)",
                             {"stages", "name", "timeout", "env", "remote_cache"}));
        MLCI_TRY_ASSIGN(stages, parse_stages(file, node["stages"]));
        t.stages = std::move(stages);
    } else {
        MLCI_TRY(expect_keys(file, node, "train",
                             {"command", "inputs", "outputs", "metrics", "name", "timeout", "env",
                              "deps", "remote_cache", "stages"}));
    }
    MLCI_TRY(parse_run_keys(file, node, "train", t.command, t.inputs, t.outputs, t.deps, t.metrics,
                            t.timeout_seconds, t.env));
    if (auto n = node["remote_cache"]) {
        MLCI_TRY_ASSIGN(v, as_string(file, n, "train.remote_cache"));
        t.remote_cache = v;
    }
    if (auto n = node["name"]) {
        MLCI_TRY_ASSIGN(v, as_string(file, n, "train.name"));
        t.name = v;
    }
    return t;
}

Result<TestConfig> parse_test(const Path& file, const YAML::Node& node) {
    MLCI_TRY(expect_keys(file, node, "test", {"suites", "data"}));
    TestConfig t;
    if (auto suites = node["suites"]) {
        if (!suites.IsMap())
            return bad_key(file, suites, "test.suites", "expected a mapping of suite names");
        for (auto it = suites.begin(); it != suites.end(); ++it) {
            MLCI_TRY_ASSIGN(name, key_text(file, it->first));
            auto key = "test.suites." + name;
            MLCI_TRY(expect_keys(file, it->second, key, {"command", "junit"}));
            TestSuite s;
            s.name = name;
            if (!it->second["command"])
                return bad_key(file, it->second, key + ".command", "missing");
            MLCI_TRY_ASSIGN(c, parse_command(file, it->second["command"], key + ".command"));
            s.command = std::move(c);
            if (auto j = it->second["junit"]) {
                MLCI_TRY_ASSIGN(v, as_string(file, j, key + ".junit"));
                s.junit = v;
            }
            t.suites.push_back(std::move(s));
        }
    }
    if (auto n = node["data"]) {
        MLCI_TRY_ASSIGN(v, as_string_list(file, n, "test.data"));
        t.data = std::move(v);
    }
    return t;
}

Result<ValidateConfig> parse_validate(const Path& file, const YAML::Node& node) {
    MLCI_TRY(expect_keys(file, node, "validate", {"require", "baseline", "max_regression"}));
    ValidateConfig v;
    if (auto n = node["require"]) {
        MLCI_TRY_ASSIGN(r, as_string_list(file, n, "validate.require"));
        v.require = std::move(r);
    }
    if (auto n = node["baseline"]) {
        MLCI_TRY_ASSIGN(b, as_string(file, n, "validate.baseline"));
        v.baseline = b;
    }
    if (auto n = node["max_regression"]) {
        if (!n.IsMap())
            return bad_key(file, n, "validate.max_regression", "expected METRIC: DELTA pairs");
        for (auto it = n.begin(); it != n.end(); ++it) {
            MLCI_TRY_ASSIGN(k, key_text(file, it->first));
            MLCI_TRY_ASSIGN(d, as_number(file, it->second, "validate.max_regression." + k));
            v.max_regression[k] = d;
        }
    }
    return v;
}

Result<GcConfig> parse_gc(const Path& file, const YAML::Node& node) {
    MLCI_TRY(expect_keys(file, node, "gc", {"keep_last"}));
    GcConfig g;
    if (auto n = node["keep_last"]) {
        MLCI_TRY_ASSIGN(v, as_number(file, n, "gc.keep_last"));
        if (v < 1 || v != static_cast<double>(static_cast<unsigned>(v)))
            return bad_key(file, n, "gc.keep_last",
                           "expected a whole number of versions, at least 1");
        g.keep_last = static_cast<unsigned>(v);
    }
    return g;
}

// remotes: {NAME: URL} or {NAME: {url: URL, plain_http: BOOL, default: BOOL}}.
// The URL is checked where it is used (lib/registry/remotes.cpp), with the
// parser push and pull use.
Result<std::vector<RemoteConfig>> parse_remotes(const Path& file, const YAML::Node& node) {
    if (!node.IsMap())
        return bad_key(file, node, "remotes", "expected a mapping of remote names");
    std::vector<RemoteConfig> out;
    for (auto it = node.begin(); it != node.end(); ++it) {
        MLCI_TRY_ASSIGN(name, key_text(file, it->first));
        auto key = "remotes." + name;
        RemoteConfig r;
        r.name = name;
        // A copy (a node is a handle): `it->second` lives in a temporary.
        YAML::Node v = it->second;
        if (v.IsMap()) {
            MLCI_TRY(expect_keys(file, v, key, {"url", "plain_http", "default"}));
            if (!v["url"])
                return bad_key(file, v, key, "no 'url' (HOST[:PORT]/REPO or oci:PATH)");
            MLCI_TRY_ASSIGN(url, as_string(file, v["url"], key + ".url"));
            r.url = std::move(url);
            if (auto n = v["plain_http"]) {
                MLCI_TRY_ASSIGN(b, as_bool(file, n, key + ".plain_http"));
                r.plain_http = b;
            }
            if (auto n = v["default"]) {
                MLCI_TRY_ASSIGN(b, as_bool(file, n, key + ".default"));
                r.is_default = b;
            }
        } else {
            MLCI_TRY_ASSIGN(url, as_string(file, v, key));
            r.url = std::move(url);
        }
        if (r.is_default)
            for (auto& o : out)
                if (o.is_default)
                    return bad_key(file, v, key,
                                   fmt::format("remote '{}' is the default already", o.name));
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

const DatasetConfig* ProjectConfig::dataset(const std::string& name) const {
    for (auto& d : datasets)
        if (d.name == name)
            return &d;
    return nullptr;
}

Result<Schema> parse_schema(const YAML::Node& node, const fs::path& file) {
    MLCI_TRY(expect_keys(file, node, "schema", {"columns", "rows", "unique"}));
    Schema s;
    if (auto cols = node["columns"]) {
        if (!cols.IsMap())
            return bad_key(file, cols, "schema.columns", "expected a mapping of column names");
        for (auto it = cols.begin(); it != cols.end(); ++it) {
            MLCI_TRY_ASSIGN(name, key_text(file, it->first));
            MLCI_TRY_ASSIGN(rule, parse_column(file, it->second, "schema.columns." + name));
            s.columns[name] = std::move(rule);
        }
    }
    if (auto rows = node["rows"]) {
        MLCI_TRY(expect_keys(file, rows, "schema.rows", {"min", "max", "max_duplicates"}));
        if (auto n = rows["min"]) {
            MLCI_TRY_ASSIGN(v, as_number(file, n, "schema.rows.min"));
            s.rows_min = static_cast<uint64_t>(v);
        }
        if (auto n = rows["max"]) {
            MLCI_TRY_ASSIGN(v, as_number(file, n, "schema.rows.max"));
            s.rows_max = static_cast<uint64_t>(v);
        }
        if (auto n = rows["max_duplicates"]) {
            MLCI_TRY_ASSIGN(v, as_number(file, n, "schema.rows.max_duplicates"));
            s.max_duplicates = static_cast<uint64_t>(v);
        }
    }
    if (auto n = node["unique"]) {
        MLCI_TRY_ASSIGN(u, as_string_list(file, n, "schema.unique"));
        s.unique = std::move(u);
    }
    return s;
}

Result<ProjectConfig> parse_project_config(const std::string& text, const fs::path& file) {
    MLCI_TRY_ASSIGN(root, parse_yaml(text, file.string()));
    ProjectConfig cfg;
    cfg.file = file;
    cfg.root = file.parent_path();
    if (root.IsNull())
        return cfg;
    MLCI_TRY(expect_keys(file, root, "mlci.yaml",
                         {"datasets", "params", "train", "test", "validate", "package", "remotes",
                          "environments", "watch", "gc"}));
    if (auto ds = root["datasets"]) {
        if (!ds.IsMap())
            return bad_key(file, ds, "datasets", "expected a mapping of dataset names");
        for (auto it = ds.begin(); it != ds.end(); ++it) {
            MLCI_TRY_ASSIGN(name, key_text(file, it->first));
            MLCI_TRY_ASSIGN(d, parse_dataset(file, name, it->second));
            cfg.datasets.push_back(std::move(d));
        }
    }
    if (auto p = root["params"]) {
        if (p.IsScalar()) {
            cfg.params_file = p.Scalar();
        } else if (p.IsMap()) {
            for (auto it = p.begin(); it != p.end(); ++it) {
                MLCI_TRY_ASSIGN(name, key_text(file, it->first));
                cfg.params[name] = it->second;
            }
        } else {
            return bad_key(file, p, "params", "expected a file name or a mapping");
        }
    }
    if (auto t = root["train"]) {
        MLCI_TRY_ASSIGN(v, parse_train(file, t));
        cfg.train = std::move(v);
    }
    if (auto t = root["test"]) {
        MLCI_TRY_ASSIGN(v, parse_test(file, t));
        cfg.test = std::move(v);
    }
    if (auto t = root["validate"]) {
        MLCI_TRY_ASSIGN(v, parse_validate(file, t));
        cfg.validate = std::move(v);
    }
    if (auto g = root["gc"]) {
        MLCI_TRY_ASSIGN(v, parse_gc(file, g));
        cfg.gc = v;
    }
    if (auto r = root["remotes"]) {
        MLCI_TRY_ASSIGN(v, parse_remotes(file, r));
        cfg.remotes = std::move(v);
    }
    MLCI_TRY_ASSIGN(package, parse_package_config(root, file));
    cfg.package = std::move(package);
    MLCI_TRY_ASSIGN(environments, parse_environments(root, file));
    cfg.environments = std::move(environments);
    MLCI_TRY_ASSIGN(watch, parse_watch_config(root, file));
    cfg.watch = std::move(watch);
    return cfg;
}

Result<ProjectConfig> load_project_config(const fs::path& file) {
    MLCI_TRY_ASSIGN(text, read_file(file));
    return parse_project_config(text, file);
}

Result<ProjectConfig> find_project_config(const fs::path& dir) {
    auto here = fs::absolute(dir).lexically_normal();
    std::error_code ec;
    for (auto d = here;; d = d.parent_path()) {
        if (fs::is_regular_file(d / "mlci.yaml", ec))
            return load_project_config(d / "mlci.yaml");
        if (d == d.root_path())
            break;
    }
    ProjectConfig empty;
    empty.root = here;
    return empty;
}

Result<Schema> load_schema(const fs::path& file) {
    MLCI_TRY_ASSIGN(root, load_yaml_file(file));
    return parse_schema(root, file);
}

} // namespace mlci::config
