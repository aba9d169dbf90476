// Resolving `mlci train`'s flags over mlci.yaml into one RunPlan.
#include <mlci/core/duration.hpp>
#include <mlci/data/project.hpp>
#include <mlci/run/code_state.hpp>
#include <mlci/run/execute.hpp>
#include <mlci/run/inputs.hpp>
#include <mlci/run/params.hpp>

namespace mlci::run {

namespace {

// `path` (relative to `base`) as a project-relative path.
Result<std::string> in_project(const std::string& path, const fs::path& base,
                               const fs::path& project, std::string_view what) {
    auto rel = data::project_relative(path, base, project);
    if (!rel)
        return usage_error("{} '{}' is outside the project '{}'", what, path, project.string());
    return rel->generic_string();
}

Result<std::vector<std::string>> all_in_project(const std::vector<std::string>& paths,
                                                const fs::path& base, const fs::path& project,
                                                std::string_view what) {
    std::vector<std::string> out;
    for (auto& p : paths) {
        auto rel = in_project(p, base, project, what);
        if (!rel)
            return std::unexpected(rel.error());
        if (*rel == ".")
            return usage_error("{} '{}' is the whole project; name the files it writes", what, p);
        out.push_back(std::move(*rel));
    }
    return out;
}

} // namespace

Result<RunPlan> make_plan(const store::Store& store, const TrainOptions& options) {
    RunPlan plan;
    MLCI_TRY_ASSIGN(config, config::find_project_config(options.cwd));
    plan.config = std::move(config);
    plan.project = data::project_root(store, options.cwd);
    auto& cfg = plan.config;
    // mlci.yaml's train section describes its own command: a command given
    // on the command line takes none of it (its outputs would not match).
    static const config::TrainConfig k_none;
    const auto& train = cfg.train && options.command.empty() ? *cfg.train : k_none;
    const auto& cwd = options.cwd;

    fs::path workdir;
    if (!options.command.empty()) {
        plan.command = options.command;
        workdir = cwd;
    } else if (!train.command.empty()) {
        plan.command = train.command;
        workdir = cfg.root;
    } else {
        return usage_error("no command to run: give it after '--' (mlci train -- python "
                           "train.py) or set train.command in mlci.yaml");
    }
    MLCI_TRY_ASSIGN(wd, in_project(workdir.string(), cwd, plan.project, "working directory"));
    plan.workdir = wd;

    if (!options.outputs.empty()) {
        MLCI_TRY_ASSIGN(o, all_in_project(options.outputs, cwd, plan.project, "output"));
        plan.outputs = std::move(o);
    } else {
        MLCI_TRY_ASSIGN(o, all_in_project(train.outputs, cfg.root, plan.project, "output"));
        plan.outputs = std::move(o);
    }
    if (options.metrics && !options.metrics->empty()) {
        MLCI_TRY_ASSIGN(m, in_project(*options.metrics, cwd, plan.project, "metrics file"));
        plan.metrics = m;
    } else if (!options.metrics && !train.metrics.empty()) {
        MLCI_TRY_ASSIGN(m, in_project(train.metrics, cfg.root, plan.project, "metrics file"));
        plan.metrics = m;
    }

    if (options.params_file || !cfg.params_file.empty()) {
        auto file = options.params_file ? cwd / *options.params_file : cfg.root / cfg.params_file;
        MLCI_TRY_ASSIGN(p, load_params_file(file.lexically_normal()));
        plan.params = std::move(p);
        auto rel = data::project_relative(file, cwd, plan.project);
        plan.params_file = rel ? rel->generic_string() : file.lexically_normal().string();
    } else {
        for (auto& [k, node] : cfg.params) {
            MLCI_TRY_ASSIGN(v, yaml_to_json(node, cfg.file));
            plan.params[k] = std::move(v);
        }
    }
    for (auto& o : options.overrides) {
        MLCI_TRY_ASSIGN(ov, parse_override(o));
        MLCI_TRY(apply_override(plan.params, ov));
    }

    plan.name = !options.name.empty() ? options.name
                : !train.name.empty() ? train.name
                                      : default_run_name(plan.command);
    if (plan.name.empty() || plan.name.find(':') != std::string::npos ||
        !store::validate_tag(plan.name))
        return usage_error("invalid run name '{}' (use letters, digits, '.', '-', '_' and '/'; "
                           "set it with --name)",
                           plan.name);
    plan.timeout_seconds =
        options.timeout_seconds ? options.timeout_seconds : train.timeout_seconds;
    if (plan.timeout_seconds)
        if (auto checked = duration_from_seconds(*plan.timeout_seconds); !checked)
            return usage_error("invalid timeout: {}", checked.error().message);
    plan.env = train.env;

    MLCI_TRY_ASSIGN(inputs, resolve_inputs(store, cfg,
                                           options.inputs.empty() ? train.inputs : options.inputs,
                                           plan.project));
    plan.inputs = std::move(inputs);
    MLCI_TRY_ASSIGN(code, code_state(store, plan.project));
    plan.code = std::move(code);
    plan.use_cache = plan.code && !plan.code->commit.empty();
    plan.force = options.force;
    return plan;
}

nlohmann::json cache_facts(const RunPlan& plan, const nlohmann::json& params) {
    nlohmann::json inputs = nlohmann::json::array();
    for (auto& i : plan.inputs)
        inputs.push_back({{"name", i.name}, {"digest", i.digest.str()}});
    nlohmann::json code = nullptr;
    if (plan.code)
        code = {{"commit", plan.code->commit}, {"diff", plan.code->diff_digest}};
    // The name too: reusing a run of another name would print a reference
    // that `mlci log NAME` does not list.
    return {{"v", 1},
            {"name", plan.name},
            {"command", plan.command.argv.empty() ? nlohmann::json(plan.command.shell)
                                                  : nlohmann::json(plan.command.argv)},
            {"workdir", plan.workdir},
            {"params", params},
            {"inputs", inputs},
            {"code", code},
            {"outputs", plan.outputs},
            {"metrics", plan.metrics},
            {"env", plan.env}};
}

} // namespace mlci::run
