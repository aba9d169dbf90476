// mlci test: run test suites and data checks, store a test report artifact.
#include "context.hpp"
#include "duration_option.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mlci/config/project_config.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/text.hpp>
#include <mlci/junit/junit.hpp>
#include <mlci/test/test.hpp>

namespace mlci::cli {

namespace {

struct TestFlags {
    test::TestOptions options;
    // The positionals: CLI11 fills `first`, then `rest`. A second positional
    // keeps '--' in this command once REF is given (`test REF -- CMD`).
    std::string first;
    std::vector<std::string> rest;
    std::string junit;
    std::vector<std::string> tags;
};

void print_case_failures(Output& out, const junit::TestSuite& s) {
    for (auto& c : s.cases)
        if (c.status == junit::CaseStatus::failed || c.status == junit::CaseStatus::error) {
            auto id = c.classname.empty() ? c.name : c.classname + "::" + c.name;
            out.note(fmt::format("  {} {}: {}", out.paint("FAIL", "red"), id,
                                 c.message.substr(0, c.message.find('\n'))));
        }
}

void print_summary(Output& out, const test::TestRun& run, bool verbose) {
    for (auto& s : run.suites) {
        auto c = s.counts();
        if (s.no_report) {
            auto failed = !s.passed();
            out.note(fmt::format("suite {}: {} (no test report: counted as one test{}) ({})",
                                 s.name,
                                 failed ? out.paint("failed", "red") : out.paint("passed", "green"),
                                 failed && !s.suites.empty() && !s.suites[0].cases.empty()
                                     ? "; " + s.suites[0].cases[0].message
                                     : "",
                                 human_seconds(s.seconds)));
            continue;
        }
        out.note(fmt::format("suite {}: {} passed, {} failed, {} errors, {} skipped ({})", s.name,
                             c.tests - c.failures - c.errors - c.skipped, c.failures, c.errors,
                             c.skipped, human_seconds(s.seconds)));
        for (auto& t : s.suites)
            print_case_failures(out, t);
    }
    for (auto& d : run.data) {
        size_t checks = 0;
        for (auto& f : d.files)
            checks += f.checks.size();
        out.note(fmt::format(
            "data {} ({}): {}, {} failed{}", d.name, d.reference, plural(checks, "check"),
            d.failures(), d.drift_reference.empty() ? "" : ", drift against " + d.drift_reference));
        for (auto& f : d.files)
            for (auto& c : f.checks) {
                if (!c.failed() && !verbose)
                    continue;
                auto where = d.files.size() > 1 ? f.path + ": " : std::string();
                auto word = c.failed()                            ? out.paint("FAIL", "red")
                            : c.outcome == test::Outcome::skipped ? "skip"
                                                                  : out.paint("ok", "green");
                out.note(fmt::format("  {} {}{}: {}", word, where, c.title(), c.message));
                for (auto& e : c.examples)
                    out.note("      " + e);
            }
        for (auto& n : d.notes)
            out.note("  note: " + n);
    }
}

// The positionals: REF, and the command after '--'.
void split_words(const Context& ctx, TestFlags& flags) {
    std::vector<std::string> words = flags.rest;
    if (!flags.first.empty())
        words.insert(words.begin(), flags.first);
    value_or_throw(test::take_positionals(flags.options, words, ctx.words_after_separator(),
                                          std::filesystem::current_path()));
}

void run_test(Context& ctx, TestFlags& flags) {
    split_words(ctx, flags);
    auto& store = ctx.store();
    auto config = value_or_throw(config::find_project_config(std::filesystem::current_path()));
    auto plan = value_or_throw(test::plan_tests(store, config, flags.options, std::cin));
    ctx.check_tag_kinds(flags.tags, store::k_type_test_report);

    test::TestCallbacks callbacks;
    callbacks.on_suite_start = [&](const test::SuiteSpec& s) {
        ctx.out.note(
            fmt::format("running suite '{}': {}", s.name,
                        config::command_line(test::with_junit_report(s.command, "$MLCI_JUNIT"))));
    };
    // The suites' output goes to stderr: stdout carries only the result.
    callbacks.on_output = [&](std::string_view chunk) {
        if (!ctx.options.quiet) {
            std::fwrite(chunk.data(), 1, chunk.size(), stderr);
            std::fflush(stderr);
        }
    };
    callbacks.reporter = ctx.out.reporter();
    auto run = value_or_throw(test::run_tests(store, plan, callbacks));
    ctx.out.end_progress();
    auto desc =
        value_or_throw(test::store_test_report(store, run, Context::exact_tags(flags.tags)));
    auto reference = ctx.tag_versions(desc, flags.tags);

    if (!flags.junit.empty()) {
        std::filesystem::path path(flags.junit);
        std::error_code ec;
        if (path.has_parent_path())
            std::filesystem::create_directories(path.parent_path(), ec);
        value_or_throw(write_file_atomic(path, junit::write_junit(run.junit(), "mlci test")));
    }
    print_summary(ctx.out, run, ctx.options.verbose > 0);
    auto counts = run.counts();
    ctx.out.note(fmt::format(
        "test report {}{}: {}, {}, {} failed, {}, {} skipped",
        artifact_label(flags.tags, desc.digest),
        run.subject ? " of " + store::display_name(*run.subject) : std::string(),
        run.passed() ? ctx.out.paint("passed", "green") : ctx.out.paint("failed", "red"),
        plural(counts.tests, "test"), counts.failures, plural(counts.errors, "error"),
        counts.skipped));
    if (ctx.options.json) {
        ctx.out.json(test::result_json(run, store, reference, desc.digest, flags.junit));
    } else {
        ctx.out.result(reference);
    }
    if (!run.passed())
        ctx.exit = Exit::gate;
}

} // namespace

void register_test(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<TestFlags>();
    auto* cmd = app.add_subcommand("test", "Run test suites and data checks; store a test report");
    cmd->group("Pipeline");
    auto& t = flags->options;
    cmd->add_option("ref", flags->first,
                    "The dataset or run under test (default: the datasets that mlci.yaml's "
                    "test.data names)")
        ->type_name("REF");
    cmd->add_option("command", flags->rest,
                    "A command to run as one more suite, after '--' (pytest's tests are counted)")
        ->type_name("COMMAND");
    cmd->add_option("--suite", t.suites,
                    "Run this suite of mlci.yaml (repeatable; default: all), or NAME=COMMAND: a "
                    "shell command that may write JUnit XML to $MLCI_JUNIT")
        ->type_name("NAME");
    cmd->add_option("--data", t.data,
                    "Check this dataset: a name from mlci.yaml or a reference (repeatable; "
                    "default: test.data of mlci.yaml)")
        ->type_name("NAME|REF");
    cmd->add_option("--schema", t.schema_file,
                    "Check the data against this schema file (columns, rows, unique) instead of "
                    "mlci.yaml's")
        ->type_name("FILE");
    cmd->add_option("--reference", t.reference,
                    "Measure drift against this dataset version's profile (default: the "
                    "dataset's reference in mlci.yaml)")
        ->type_name("REF");
    cmd->add_option("--max-drift", t.max_drift,
                    "Largest population stability index (PSI) a column may reach (default: "
                    "max_drift of mlci.yaml, else 0.2)")
        ->type_name("PSI");
    cmd->add_option("--junit", flags->junit,
                    "Write every suite and data check as JUnit XML to FILE (for CI test widgets)")
        ->type_name("FILE");
    add_duration_option(cmd, "--timeout", t.timeout, "Stop a suite that runs longer than this");
    cmd->add_option("-t,--tag", flags->tags,
                    "Also tag the report NAME:TAG, or NAME for the next NAME:vN (repeatable)")
        ->type_name("NAME[:TAG]");
    cmd->add_flag("--no-suites", t.no_suites, "Run no test suite, only data checks");
    cmd->add_flag("--no-data", t.no_data, "Run no data check, only test suites");
    cmd->callback([&ctx, flags] { run_test(ctx, *flags); });
    ctx.document(
        {"test",
         "Runs the test suites and data checks that mlci.yaml declares (or that flags give) and "
         "stores the outcome as a test report artifact whose subject is what was tested: REF, "
         "else the first dataset checked. The report holds every suite's cases, failures and "
         "log, and every data check with examples of the offending values. Its reference is "
         "printed on standard output; a summary goes to standard error.\n\n"
         "A suite is a command (a list is executed directly, a string runs with /bin/sh -c) in "
         "the project root that writes JUnit XML, as pytest --junitxml does. The old report is "
         "removed before the command runs; MLCI_JUNIT names where the report is expected. "
         "pytest (pytest, py.test or python -m pytest) given no --junitxml is given "
         "--junitxml=$MLCI_JUNIT, so that its tests are counted. A command after '--' is one "
         "more suite, run in the current folder and named after its program (pytest for "
         "python3 -m pytest); as for train, one word holding spaces is a shell line. A suite "
         "fails when a case fails or errors, when the command exits non-zero, or when it does "
         "not write the report that mlci.yaml declares (junit:). A suite that writes no report "
         "and declares none is counted as one test, passed when the command exits 0.\n\n"
         "Data checks read each CSV table of a dataset version from the store, in one streaming "
         "pass: declared columns present, type (int, number, string, bool), nulls (nullable, "
         "max_null_fraction), min and max, allowed values, row count (rows.min, rows.max), "
         "duplicate rows (failing beyond rows.max_duplicates), unique columns (an entry "
         "\"a,b\" is a compound key), and drift against the profile that a reference version "
         "stored: the population stability index over the reference histogram's bins (numbers) "
         "or its most frequent values (text), with the Kolmogorov-Smirnov statistic for "
         "numbers. A column drifts when its PSI exceeds max_drift (default 0.2).\n\n"
         "Exit status 1 when any case or check failed, 2 for an unknown suite or dataset or a "
         "malformed schema, 3 when a suite's command cannot be run.",
         {{"mlci test", "run what mlci.yaml declares under test: and store the report"},
          {"mlci test -- pytest -q tests", "run a command as a suite (pytest's tests are counted)"},
          {"mlci test iris:v2 --reference iris:v1 --junit reports/mlci.xml",
           "check one dataset version against its schema and for drift from v1"},
          {"mlci test --no-data --suite unit", "run one declared suite only"},
          {"mlci test --suite 'smoke=pytest -q tests/smoke --junitxml=$MLCI_JUNIT'",
           "run a suite that mlci.yaml does not declare"},
          {"mlci test --data iris --schema schemas/iris.yaml",
           "check data against a schema file"}}});
}

} // namespace mlci::cli
