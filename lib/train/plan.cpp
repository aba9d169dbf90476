// Resolving `mlci train`'s flags over mlci.yaml into one RunPlan.
#include <mlci/core/duration.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/data/project.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/code_state.hpp>
#include <mlci/train/execute.hpp>
#include <mlci/train/input_content.hpp>
#include <mlci/train/inputs.hpp>
#include <mlci/train/params.hpp>
#include <sys/utsname.h>

namespace mlci::train {

namespace {

// What a model built here needs of a machine: its OS and architecture (not
// the kernel's release or the host, which differ between CI runners).
nlohmann::json platform() {
    struct utsname u {};
    if (::uname(&u) != 0)
        return nullptr;
    return {{"os", u.sysname}, {"arch", u.machine}};
}

// `path` (relative to `base`) as a project-relative path.
Result<std::string> in_project(const std::string& path, const fs::path& base,
                               const fs::path& project, std::string_view what) {
    auto rel = data::project_relative(path, base, project);
    if (!rel)
        return usage_error("{} '{}' is outside the project '{}'", what, path, project.string());
    return rel->generic_string();
}

// What an output (or the metrics file) must not be: the command writes it,
// a run that fails puts it back and a cache hit overwrites it, so none may be
// git's folder, the store, or a folder that holds either; nor lead out of
// the project through a symbolic link. Checked before anything runs.
Status check_writable(const std::string& rel, const std::string& given, std::string_view what,
                      const fs::path& project, const fs::path& store_root) {
    auto refuse = [&](std::string_view why) {
        return usage_error("{} '{}' is {}: a run must not write there (name a file or folder "
                           "that the command writes)",
                           what, given, why);
    };
    auto special = [&](const fs::path& p) -> std::optional<std::string_view> {
        bool last = true;
        for (auto it = p.end(); it != p.begin();) {
            --it;
            if (*it == ".git")
                return last ? "git's own folder" : "inside git's own folder";
            if (*it == ".mlci")
                return last ? "a store folder ('.mlci')" : "inside a store folder ('.mlci')";
            last = false;
        }
        return {};
    };
    if (rel == ".")
        return refuse("the whole project");
    if (auto why = special(rel))
        return refuse(*why);
    // The folders on the way may be symbolic links: judge where they lead.
    // (The output itself is not followed: a symbolic link there is refused
    // when the run starts.)
    auto abs = project / rel;
    auto resolve = [](const fs::path& p) -> Result<fs::path> {
        std::error_code ec;
        auto r = fs::weakly_canonical(p, ec);
        if (ec)
            return runtime_error("cannot resolve '{}': {}", p.string(), ec.message());
        return r;
    };
    MLCI_TRY_ASSIGN(parent, resolve(abs.parent_path()));
    MLCI_TRY_ASSIGN(root, resolve(project));
    MLCI_TRY_ASSIGN(store, resolve(store_root));
    auto resolved = parent / abs.filename();
    auto inside = relative_inside(resolved, root);
    if (inside.empty())
        return refuse("outside the project (through a symbolic link)");
    if (inside == ".")
        return refuse("the whole project");
    if (auto why = special(inside))
        return refuse(*why);
    if (resolved == store)
        return refuse("mlci's store");
    if (!relative_inside(resolved, store).empty())
        return refuse("inside mlci's store");
    if (!relative_inside(store, resolved).empty())
        return refuse("a folder that holds mlci's store");
    return {};
}

Result<std::string> writable_in_project(const std::string& path, const fs::path& base,
                                        const fs::path& project, const fs::path& store_root,
                                        std::string_view what) {
    auto rel = in_project(path, base, project, what);
    if (rel)
        MLCI_TRY(check_writable(*rel, path, what, project, store_root));
    return rel;
}

Result<std::vector<std::string>> all_writable(const std::vector<std::string>& paths,
                                              const fs::path& base, const fs::path& project,
                                              const fs::path& store_root) {
    std::vector<std::string> out;
    for (auto& p : paths) {
        MLCI_TRY_ASSIGN(rel, writable_in_project(p, base, project, store_root, "output"));
        out.push_back(std::move(rel));
    }
    return out;
}

// What the run's code is made of: the declared deps (--dep over train.deps),
// else the default set; never its own outputs or the datasets' files, whose
// digests the key holds already.
Result<DependencySpec> dependency_spec(const RunPlan& plan, const TrainOptions& options,
                                       const config::TrainConfig& section,
                                       const std::vector<std::string>& others_write) {
    DependencySpec spec;
    auto& cfg = plan.config;
    const auto& given = options.deps.empty() ? section.deps : options.deps;
    const auto& base = options.deps.empty() ? cfg.root : options.cwd;
    for (auto& d : given) {
        MLCI_TRY_ASSIGN(rel, in_project(d, base, plan.project, "dependency"));
        spec.declared.push_back(rel);
    }
    spec.excluded = plan.outputs;
    if (!plan.metrics.empty())
        spec.excluded.push_back(plan.metrics);
    for (auto& in : plan.inputs)
        for (auto& p : in.paths)
            spec.excluded.push_back(p);
    for (auto& ds : cfg.datasets)
        if (auto rel = data::project_relative(ds.path, cfg.root, plan.project))
            spec.excluded.push_back(rel->generic_string());
    // Outputs of stages it does not read are not its code (what its
    // upstream stages made is in its key by content: cache_facts).
    for (auto& o : others_write)
        if (auto rel = data::project_relative(o, cfg.root, plan.project))
            spec.excluded.push_back(rel->generic_string());
    return spec;
}

// The params a stage declares it reads (none when it declares none, as in
// DVC), taken from all of them: its key and its MLCI_PARAMS file hold only
// these, so that a change of another stage's param does not run it again.
Result<nlohmann::json> stage_params(const nlohmann::json& all, const config::StageConfig& stage) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& key : stage.params) {
        const nlohmann::json* at = &all;
        for (size_t b = 0; at && b <= key.size();) {
            auto e = std::min(key.find('.', b), key.size());
            auto part = key.substr(b, e - b);
            at = at->is_object() && at->contains(part) ? &(*at)[part] : nullptr;
            b = e + 1;
        }
        if (!at)
            return usage_error("{}stage '{}' reads param '{}', which the params do not set (set "
                               "it in the params file or with -p {}=VALUE)",
                               stage.where, stage.name, key, key);
        MLCI_TRY(apply_override(out, Override{key, *at}));
    }
    return out;
}

} // namespace

namespace {

// The plan of `section` (mlci.yaml's train section, a stage's, or none) under the flags.
Result<RunPlan> plan_of(const store::Store& store, const TrainOptions& options,
                        config::ProjectConfig config, const config::TrainConfig& section,
                        const std::vector<std::string>& others_write) {
    RunPlan plan;
    plan.config = std::move(config);
    plan.project = data::project_root(store, options.cwd);
    auto& cfg = plan.config;
    const auto& cwd = options.cwd;

    fs::path workdir;
    if (!options.command.empty()) {
        plan.command = options.command;
        workdir = cwd;
    } else if (!section.command.empty()) {
        plan.command = section.command;
        workdir = cfg.root;
    } else {
        return usage_error("no command to run: give it after '--' (mlci train -- python "
                           "train.py) or set train.command in mlci.yaml");
    }
    MLCI_TRY_ASSIGN(wd, in_project(workdir.string(), cwd, plan.project, "working directory"));
    plan.workdir = wd;

    auto& store_root = store.root();
    if (!options.outputs.empty()) {
        MLCI_TRY_ASSIGN(o, all_writable(options.outputs, cwd, plan.project, store_root));
        plan.outputs = std::move(o);
    } else {
        MLCI_TRY_ASSIGN(o, all_writable(section.outputs, cfg.root, plan.project, store_root));
        plan.outputs = std::move(o);
    }
    if (options.metrics && !options.metrics->empty()) {
        MLCI_TRY_ASSIGN(m, writable_in_project(*options.metrics, cwd, plan.project, store_root,
                                               "metrics file"));
        plan.metrics = m;
    } else if (!options.metrics && !section.metrics.empty()) {
        MLCI_TRY_ASSIGN(m, writable_in_project(section.metrics, cfg.root, plan.project, store_root,
                                               "metrics file"));
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

    plan.name = !options.name.empty()   ? options.name
                : !section.name.empty() ? section.name
                                        : default_run_name(plan.command);
    if (plan.name.empty() || plan.name.find(':') != std::string::npos ||
        !store::validate_tag(plan.name))
        return usage_error("invalid run name '{}' (use letters, digits, '.', '-', '_' and '/'; "
                           "set it with --name)",
                           plan.name);
    // Before the command runs: its run could not be recorded under that name.
    MLCI_TRY(store::check_name_kind(store, plan.name, store::k_type_run));
    plan.timeout_seconds =
        options.timeout_seconds ? options.timeout_seconds : section.timeout_seconds;
    if (plan.timeout_seconds)
        if (auto checked = duration_from_seconds(*plan.timeout_seconds); !checked)
            return usage_error("invalid timeout: {}", checked.error().message);
    plan.env = section.env;

    MLCI_TRY_ASSIGN(inputs, resolve_inputs(store, cfg,
                                           options.inputs.empty() ? section.inputs : options.inputs,
                                           plan.project));
    plan.inputs = std::move(inputs);
    for (auto& in : plan.inputs) {
        MLCI_TRY_ASSIGN(content, input_content(store, in.digest));
        plan.input_contents.push_back(content);
    }
    MLCI_TRY_ASSIGN(code, code_state(store, plan.project));
    plan.code = std::move(code);
    MLCI_TRY_ASSIGN(spec, dependency_spec(plan, options, section, others_write));
    MLCI_TRY_ASSIGN(deps, dependencies(store, plan.project, spec));
    plan.deps = std::move(deps);
    plan.use_cache = plan.deps.has_value();
    plan.force = options.force;
    plan.explain = options.explain;
    // Not part of the command's description: it applies to a command given
    // after '--' as well.
    plan.remote_cache.dest = !options.remote_cache.empty() ? options.remote_cache
                             : cfg.train                   ? cfg.train->remote_cache
                                                           : std::string();
    plan.remote_cache.plain_http = options.plain_http;
    return plan;
}

} // namespace

Result<RunPlan> make_plan(const store::Store& store, const TrainOptions& options) {
    MLCI_TRY_ASSIGN(config, config::find_project_config(options.cwd));
    // mlci.yaml's train section describes its own command: a command given
    // on the command line takes none of it (its outputs would not match).
    static const config::TrainConfig k_none;
    auto section = config.train && options.command.empty() ? *config.train : k_none;
    if (!section.stages.empty())
        section = k_none; // train/stages.hpp runs them; here the command comes from the flags
    return plan_of(store, options, std::move(config), section, {});
}

Result<RunPlan> make_stage_plan(const store::Store& store, const TrainOptions& options,
                                const config::ProjectConfig& config, const StagePlanning& stage) {
    const auto& s = *stage.stage;
    const auto& shared = *config.train;
    config::TrainConfig section;
    section.command = s.command;
    section.inputs = s.inputs;
    section.outputs = s.outputs;
    section.metrics = s.metrics;
    section.deps = s.deps;
    section.name = stage.run_name;
    section.timeout_seconds = s.timeout_seconds ? s.timeout_seconds : shared.timeout_seconds;
    section.env = shared.env;
    for (auto& [k, v] : s.env)
        section.env[k] = v;
    MLCI_TRY_ASSIGN(plan, plan_of(store, options, config, section, stage.others_write));
    MLCI_TRY_ASSIGN(params, stage_params(plan.params, s));
    plan.params = std::move(params);
    plan.stage = s.name;
    plan.upstream = stage.upstream;
    return plan;
}

nlohmann::json cache_facts(const RunPlan& plan, const nlohmann::json& params) {
    nlohmann::json inputs = nlohmann::json::array();
    // The files, not the version: another runner's version of the same
    // files is the same input (train/input_content.hpp).
    for (size_t i = 0; i < plan.inputs.size(); ++i)
        inputs.push_back({{"name", plan.inputs[i].name},
                          {"content", plan.input_contents.at(i).str()},
                          {"paths", plan.inputs[i].paths}});
    nlohmann::json code = nullptr;
    if (plan.deps)
        code = plan.deps->digest().str();
    // The name too: reusing a run of another name would print a reference
    // that `mlci log NAME` does not list. The platform: a model built on
    // another OS or architecture may not load here. Not the commit: a
    // commit that changes no dependency changes no output.
    nlohmann::json facts = {{"v", 2},
                            {"name", plan.name},
                            {"command", plan.command.argv.empty()
                                            ? nlohmann::json(plan.command.shell)
                                            : nlohmann::json(plan.command.argv)},
                            {"workdir", plan.workdir},
                            {"params", params},
                            {"inputs", inputs},
                            {"code", code},
                            {"platform", platform()},
                            {"outputs", plan.outputs},
                            {"metrics", plan.metrics},
                            {"env", plan.env}};
    // A stage's upstream runs by what they made: the same outputs from a new
    // run of an upstream stage keep this stage's key. (Only for stages: the
    // key of a single command stays as it was.)
    if (!plan.stage.empty()) {
        nlohmann::json upstream = nlohmann::json::object();
        for (auto& u : plan.upstream)
            upstream[u.run.stage] = u.made;
        facts["stage"] = plan.stage;
        facts["upstream"] = std::move(upstream);
    }
    return facts;
}

} // namespace mlci::train
