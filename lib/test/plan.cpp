// Planning `mlci test`: resolve every suite, dataset, schema and reference
// up front, so that a typo fails in a second instead of after a long suite.
#include <algorithm>
#include <fmt/ranges.h>
#include <mlci/stats/drift.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/test/test.hpp>

namespace mlci::test {

namespace {

std::string declared_list(const std::vector<std::string>& names) {
    if (names.empty())
        return "none";
    std::string out;
    for (auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

Result<std::string> artifact_type(const store::Store& store, const store::IndexEntry& e) {
    if (!e.descriptor.artifact_type.empty())
        return e.descriptor.artifact_type;
    MLCI_TRY_ASSIGN(m, store.read_manifest(e.descriptor.digest));
    return m.artifact_type;
}

// "iris:latest" moves; "iris:v3" names the version for good, so reports use it.
store::IndexEntry versioned(const store::Store& store, store::IndexEntry e) {
    if (!e.tag.empty() && !e.tag.ends_with(":latest"))
        return e;
    if (auto entries = store.entries())
        for (auto& other : *entries)
            if (other.descriptor.digest == e.descriptor.digest && !other.tag.empty() &&
                !other.tag.ends_with(":latest"))
                return other;
    return e;
}

Result<store::IndexEntry> resolve_dataset(const store::Store& store,
                                          const config::ProjectConfig& config,
                                          const std::string& text, std::istream& in) {
    auto entry = store::resolve(store, text, in);
    if (!entry) {
        if (auto* d = config.dataset(text))
            return usage_error("dataset '{}' (declared in '{}') has no version in the store (run "
                               "'mlci data-version add {}')",
                               text, config.file.string(), d->path);
        if (text.find_first_of(":@") == std::string::npos)
            return usage_error("unknown dataset '{}': not declared in mlci.yaml and not in the "
                               "store (see 'mlci data-version list')",
                               text);
        return std::unexpected(entry.error());
    }
    MLCI_TRY_ASSIGN(type, artifact_type(store, *entry));
    if (type != store::k_type_dataset)
        return usage_error("'{}' is not a dataset (it is {})", text,
                           type.empty() ? "an image" : type);
    return versioned(store, *entry);
}

// The name a dataset version was recorded under, to find its mlci.yaml entry.
std::string dataset_name(const store::Store& store, const store::IndexEntry& e) {
    if (auto m = store.read_manifest(e.descriptor.digest))
        if (auto it = m->annotations.find(store::k_ann_name); it != m->annotations.end())
            return it->second;
    return {};
}

Result<std::vector<SuiteSpec>> plan_suites(const store::Store& store,
                                           const config::ProjectConfig& config,
                                           const TestOptions& options) {
    std::vector<SuiteSpec> out;
    if (options.no_suites)
        return out;
    std::vector<config::TestSuite> declared;
    if (config.test)
        declared = config.test->suites;
    std::vector<std::string> names;
    names.reserve(declared.size());
    for (auto& s : declared)
        names.push_back(s.name);
    auto spec = [&](const config::TestSuite& s) {
        return SuiteSpec{s.name,      s.command,        s.junit,
                         config.root, store.temp_dir(), options.timeout};
    };
    if (options.suites.empty() && options.command.empty()) {
        for (auto& s : declared)
            out.push_back(spec(s));
    }
    if (!options.command.empty()) {
        config::TestSuite s;
        s.name = suite_name(options.command);
        s.command = options.command;
        auto given = spec(s);
        given.cwd = options.command_cwd.empty() ? config.root : options.command_cwd;
        out.push_back(std::move(given));
    }
    for (auto& text : options.suites) {
        auto eq = text.find('=');
        auto name = text.substr(0, eq);
        if (name.empty() || name.find_first_of(" \t'\"") != std::string::npos)
            return usage_error("invalid --suite '{}' (expected NAME, or NAME=COMMAND)", text);
        if (eq != std::string::npos) {
            config::TestSuite s;
            s.name = name;
            s.command.shell = text.substr(eq + 1);
            if (s.command.shell.empty())
                return usage_error("suite '{}' has an empty command", name);
            out.push_back(spec(s));
            continue;
        }
        auto it =
            std::find_if(declared.begin(), declared.end(), [&](auto& s) { return s.name == name; });
        if (it == declared.end())
            return usage_error("unknown suite '{}' (mlci.yaml declares: {}; or pass "
                               "--suite '{}=COMMAND')",
                               name, declared_list(names), name);
        out.push_back(spec(*it));
    }
    for (auto& s : out)
        MLCI_TRY(check_runnable(s));
    return out;
}

} // namespace

Result<TestPlan> plan_tests(const store::Store& store, const config::ProjectConfig& config,
                            const TestOptions& options, std::istream& in) {
    TestPlan plan;
    std::vector<store::IndexEntry> datasets;
    if (!options.ref.empty()) {
        MLCI_TRY_ASSIGN(resolved, store::resolve(store, options.ref, in));
        auto e = versioned(store, resolved);
        plan.subject = e;
        plan.tested.push_back(e);
        MLCI_TRY_ASSIGN(type, artifact_type(store, e));
        if (type == store::k_type_dataset && !options.no_data)
            datasets.push_back(e);
    }
    MLCI_TRY_ASSIGN(suites, plan_suites(store, config, options));
    plan.suites = std::move(suites);

    std::vector<std::string> labels;
    if (!options.no_data) {
        if (!options.data.empty())
            labels = options.data;
        else if (config.test && (options.ref.empty() || datasets.empty()))
            labels = config.test->data;
    }
    std::vector<std::string> given(datasets.size(), options.ref);
    for (auto& label : labels) {
        MLCI_TRY_ASSIGN(e, resolve_dataset(store, config, label, in));
        datasets.push_back(e);
        given.push_back(label);
    }

    std::optional<config::Schema> flag_schema;
    if (!options.schema_file.empty()) {
        MLCI_TRY_ASSIGN(s, config::load_schema(options.schema_file));
        flag_schema = std::move(s);
    }
    std::optional<store::IndexEntry> flag_reference;
    if (!options.reference.empty()) {
        MLCI_TRY_ASSIGN(r, resolve_dataset(store, config, options.reference, in));
        flag_reference = r;
    }

    for (size_t i = 0; i < datasets.size(); ++i) {
        auto& e = datasets[i];
        bool again = std::any_of(plan.data.begin(), plan.data.end(), [&](auto& d) {
            return d.entry.descriptor.digest == e.descriptor.digest;
        });
        if (again)
            continue;
        DatasetCheckSpec spec;
        spec.label = given[i];
        spec.entry = e;
        auto name = dataset_name(store, e);
        const config::DatasetConfig* declared = config.dataset(name);
        if (!declared)
            declared = config.dataset(given[i]);
        if (flag_schema) {
            spec.schema = flag_schema;
            spec.schema_source = options.schema_file;
        } else if (declared && declared->schema) {
            spec.schema = declared->schema;
            spec.schema_source =
                fmt::format("{}: datasets.{}.schema", config.file.string(), declared->name);
        }
        if (flag_reference) {
            spec.reference = flag_reference;
        } else if (declared && !declared->reference.empty()) {
            auto r = resolve_dataset(store, config, declared->reference, in);
            if (!r)
                return usage_error("drift reference '{}' of dataset '{}' in '{}': {}",
                                   declared->reference, declared->name, config.file.string(),
                                   r.error().message);
            spec.reference = *r;
        }
        spec.max_drift = options.max_drift.value_or(
            declared && declared->max_drift ? *declared->max_drift : stats::k_default_max_drift);
        if (spec.max_drift < 0)
            return usage_error("max drift {} is negative (give a PSI limit such as 0.2)",
                               spec.max_drift);
        if (!plan.subject)
            plan.subject = e;
        if (std::none_of(plan.tested.begin(), plan.tested.end(),
                         [&](auto& t) { return t.descriptor.digest == e.descriptor.digest; }))
            plan.tested.push_back(e);
        plan.data.push_back(std::move(spec));
    }

    if (plan.suites.empty() && plan.data.empty()) {
        if (!options.ref.empty() && options.no_suites)
            return usage_error("nothing to test in '{}': it is not a dataset and --no-suites "
                               "leaves no suite",
                               options.ref);
        return usage_error("nothing to test: {} (declare a 'test:' section in mlci.yaml, or pass "
                           "--suite NAME=COMMAND or --data DATASET)",
                           config.file.empty() ? "no mlci.yaml found"
                                               : "'" + config.file.string() +
                                                     "' declares no test suites or data checks");
    }
    return plan;
}

Status take_positionals(TestOptions& options, const std::vector<std::string>& words,
                        size_t after_separator, const std::filesystem::path& cwd) {
    auto after = std::min(after_separator, words.size());
    auto before = words.size() - after;
    auto first_after = words.begin() + static_cast<std::ptrdiff_t>(before);
    if (before > 1)
        return usage_error(
            "'mlci test' takes one REF, not {} ('{}'); to run a command as a suite, put it "
            "after '--': mlci test -- {} (see 'mlci test --help')",
            before, fmt::join(words.begin(), first_after, "' '"),
            fmt::join(words.begin(), first_after, " "));
    if (before == 1)
        options.ref = words[0];
    if (after == 0)
        return {};
    options.command = config::command_from_words({first_after, words.end()});
    options.command_cwd = cwd;
    return {};
}

} // namespace mlci::test
