// mlci validate: the evaluation gate before delivery.
#include "context.hpp"

#include <filesystem>
#include <mlci/config/project_config.hpp>
#include <mlci/core/format.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/deploy/baseline.hpp>
#include <mlci/report/validation_report.hpp>
#include <mlci/validate/settings.hpp>
#include <mlci/validate/validation.hpp>

namespace mlci::cli {

namespace {

struct ValidateFlags {
    std::string ref;
    validate::GateFlags gate;
    std::string report;
    std::string junit;
    std::vector<std::string> tags;
    bool allow_no_criteria = false;
};

// The baseline run. One given as --baseline must resolve; mlci.yaml's may
// not exist yet (nothing is in production before the first deploy), which
// only skips the limits.
std::optional<validate::RunSummary> load_baseline(Context& ctx, const validate::GateSettings& s) {
    auto target = deploy::resolve_baseline(ctx.store(), s.baseline);
    if (!target) {
        if (s.baseline_from_flag)
            throw Failure(std::move(target.error()));
        ctx.out.warn(fmt::format("baseline '{}' of mlci.yaml is not in the store; regression "
                                 "limits not checked",
                                 s.baseline));
        return std::nullopt;
    }
    if (target->deployed)
        ctx.out.note(fmt::format("baseline: {} as deployed to {} ({})",
                                 target->deployed->deployment.package_ref, s.baseline,
                                 target->deployed->reference));
    auto run = value_or_throw(validate::run_behind(ctx.store(), target->entry));
    return value_or_throw(validate::load_run_summary(ctx.store(), run));
}

void print_table(Output& out, const validate::Validation& v) {
    auto verdict = [&](bool ok) {
        return ok ? out.paint("pass", "green") : out.paint("FAIL", "red");
    };
    auto row = [&](const std::string& a, const std::string& b, const std::string& c, bool ok) {
        out.note(fmt::format("{:<36} {:>16} {:>14}  {}", a, b, c, verdict(ok)));
    };
    out.note(
        fmt::format("{:<36} {:>16} {:>14}  {}", "criterion", "expected", "measured", "verdict"));
    row("status", "succeeded", v.run.status.empty() ? "unknown" : v.run.status, v.status_ok());
    for (auto& c : v.criteria)
        row(c.criterion.metric,
            fmt::format("{} {}", validate::to_string(c.criterion.op),
                        human_number(c.criterion.value)),
            c.measured ? human_number(*c.measured) : "missing", c.passed);
    for (auto& r : v.regressions) {
        bool higher = r.direction == validate::Direction::higher_is_better;
        auto bound = r.baseline
                         ? human_number(higher ? *r.baseline - r.allowed : *r.baseline + r.allowed)
                         : std::string("-");
        row(fmt::format("{} vs baseline ({} {})", r.limit.metric, higher ? "-" : "+",
                        human_number(r.allowed)),
            fmt::format("{} {}", higher ? ">=" : "<=", bound),
            r.measured ? human_number(*r.measured) : "missing", r.passed);
    }
    if (!v.status_ok())
        out.note(fmt::format("  the run's status is '{}', not 'succeeded'", v.run.status));
    for (auto& c : v.criteria)
        if (!c.passed)
            out.note("  " + c.message);
    for (auto& r : v.regressions)
        if (!r.passed)
            out.note("  " + r.message);
}

void write_output_file(const std::string& file, const std::string& content) {
    std::filesystem::path path(file);
    std::error_code ec;
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path(), ec);
    value_or_throw(write_file_atomic(path, content));
}

void run_validate(Context& ctx, const ValidateFlags& flags) {
    auto& store = ctx.store();
    auto config = value_or_throw(config::find_project_config(std::filesystem::current_path()));
    auto run = value_or_throw(validate::load_run_summary(store, ctx.resolve(flags.ref)));
    auto rules = value_or_throw(validate::resolve(flags.gate, config.validate, config.file));
    auto& criteria = rules.criteria;
    auto& limits = rules.limits;
    ctx.check_tag_kinds(flags.tags, store::k_type_validation);
    // A gate with nothing to check would pass any run that exited 0, and
    // package would then take it as validated.
    if (criteria.empty() && limits.empty() && !flags.allow_no_criteria)
        throw Failure(usage_error("no criteria to validate '{}' against: {} (declare "
                                  "validate.require in mlci.yaml, pass --require 'METRIC OP "
                                  "VALUE', or pass --allow-no-criteria to check only that the "
                                  "run succeeded; see 'mlci validate --help')",
                                  flags.ref,
                                  config.file.empty()
                                      ? std::string("no mlci.yaml found")
                                      : "'" + config.file.string() + "' declares none")
                          .error());

    std::optional<validate::RunSummary> baseline;
    if (!rules.baseline.empty())
        baseline = load_baseline(ctx, rules);
    if (!limits.empty() && rules.baseline.empty())
        ctx.out.note("no baseline: regression limits not checked (set validate.baseline or pass "
                     "--baseline)");
    if (criteria.empty() && (limits.empty() || !baseline))
        ctx.out.warn("no criteria: only the run's status is checked (declare validate.require "
                     "in mlci.yaml or pass --require)");

    auto v = validate::evaluate(run, baseline, criteria, limits);
    v.baseline_source = rules.baseline;
    auto desc =
        value_or_throw(validate::store_validation(store, v, {}, Context::exact_tags(flags.tags)));
    auto reference = ctx.tag_versions(desc, flags.tags);
    if (!flags.report.empty())
        write_output_file(flags.report, report::validation_markdown(v, reference));
    if (!flags.junit.empty())
        write_output_file(flags.junit,
                          junit::write_junit({report::validation_suite(v)}, "mlci validate"));

    print_table(ctx.out, v);
    ctx.out.note(fmt::format(
        "validation {} of {}: {}", artifact_label(flags.tags, desc.digest), run.reference(),
        v.passed ? ctx.out.paint("passed", "green") : ctx.out.paint("failed", "red")));
    if (ctx.options.json) {
        ctx.out.json(validate::result_json(v, reference, desc.digest));
    } else {
        ctx.out.result(reference);
    }
    if (!v.passed)
        ctx.exit = Exit::gate;
}

} // namespace

void register_validate(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<ValidateFlags>();
    auto* cmd =
        app.add_subcommand("validate", "Gate a trained run on its metrics; store the verdict");
    cmd->group("Pipeline");
    cmd->add_option("ref", flags->ref,
                    "The run to validate (a reference that 'mlci train' printed, "
                    "or - to read it from standard input)")
        ->required()
        ->type_name("REF");
    cmd->add_option("--require", flags->gate.require,
                    "A criterion 'METRIC OP VALUE' with OP one of >=, >, <=, <, == (repeatable; "
                    "replaces mlci.yaml's criteria on the same metric)")
        ->type_name("CRITERION");
    cmd->add_option("--baseline", flags->gate.baseline,
                    "Compare with this run, or an artifact made from one (a tag such as "
                    "production)")
        ->type_name("REF");
    cmd->add_option("--max-regression", flags->gate.max_regression,
                    "How far METRIC may fall behind the baseline: METRIC=DELTA, or METRIC=N% of "
                    "the baseline's value (repeatable)")
        ->type_name("METRIC=DELTA");
    cmd->add_option("--report", flags->report,
                    "Write a Markdown report for a merge-request comment to FILE")
        ->type_name("FILE");
    cmd->add_option("--junit", flags->junit, "Write the criteria as JUnit XML to FILE")
        ->type_name("FILE");
    cmd->add_option("-t,--tag", flags->tags,
                    "Also tag the validation NAME:TAG, or NAME for the next NAME:vN (repeatable)")
        ->type_name("NAME[:TAG]");
    cmd->add_flag("--allow-no-criteria", flags->allow_no_criteria,
                  "Validate with no criterion and no regression limit: check only that the run "
                  "succeeded");
    cmd->callback([&ctx, flags] { run_validate(ctx, *flags); });
    ctx.document(
        {"validate",
         "The evaluation gate before delivery. Evaluates criteria over a run's metrics (as 'mlci "
         "train' recorded them, nested names joined with '.'), and regression limits against a "
         "baseline run, then stores a validation artifact whose subject is the run and prints "
         "its reference. A table of criterion, expected, measured and verdict goes to standard "
         "error. package and deploy refuse runs without a passed validation.\n\n"
         "Criteria and the baseline default to the validate section of mlci.yaml; --require "
         "replaces the configured criteria on the same metric and adds the others, and "
         "--max-regression likewise. With neither criteria nor regression limits (from "
         "mlci.yaml or flags), validate refuses with exit status 2, as such a gate would pass "
         "any run that exited 0; --allow-no-criteria lets it check only the run's status. The "
         "gate fails when the run did not succeed, when a "
         "criterion does not hold, when a metric it names is missing, or when a limited metric "
         "moved further the wrong way than allowed. Which way is wrong comes from the "
         "criteria on that metric (>= means higher is better), else from its name: losses, "
         "errors and times are lower-is-better, everything else higher-is-better.\n\n"
         "The baseline may be another run, a tag such as production, or any artifact that "
         "leads to a run (its subject or lineage). A baseline named in mlci.yaml that is not "
         "in the store yet only skips the limits, with a warning.",
         {{"mlci validate iris-classifier:latest", "gate the latest run on mlci.yaml's criteria"},
          {"mlci train | mlci validate - --require 'accuracy >= 0.9'",
           "gate the run that train just made"},
          {"mlci validate RUN --baseline production --max-regression accuracy=0.02 --report "
           "validation.md",
           "refuse a model more than 0.02 less accurate than production; write an MR comment"},
          {"mlci validate RUN --require 'loss < 0.3' --junit reports/validate.xml",
           "show the gate in the CI test widget"}}});
}

} // namespace mlci::cli
