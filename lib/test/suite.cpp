#include <csignal>
#include <cstring>
#include <mlci/core/duration.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/process/process.hpp>
#include <mlci/process/shell_command.hpp>
#include <mlci/test/suite.hpp>
#include <unistd.h>

namespace mlci::test {

namespace {

// The last `n` lines of a log (at most 16 KiB): where a crash explains itself.
std::string tail_lines(std::string_view log, size_t n) {
    while (!log.empty() && log.back() == '\n')
        log.remove_suffix(1);
    size_t start = log.size();
    for (size_t k = 0; k < n && start > 0; ++k) {
        auto nl = log.rfind('\n', start - 1);
        start = nl == std::string_view::npos ? 0 : nl;
    }
    if (start > 0 || (!log.empty() && log[0] == '\n'))
        ++start; // past the line break
    auto tail = log.substr(std::min(start, log.size()));
    if (tail.size() > 16384)
        tail = tail.substr(tail.size() - 16384);
    return std::string(tail);
}

std::string file_safe(std::string_view name) {
    std::string out;
    for (char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return out;
}

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

std::string how_it_ended(const process::ProcessResult& p, const SuiteSpec& spec) {
    if (p.timed_out)
        return fmt::format("the command timed out after {} and was stopped",
                           format_duration(spec.timeout.value_or(std::chrono::milliseconds(0))));
    if (p.term_signal)
        return fmt::format("the command was killed by signal {} ({})", p.term_signal,
                           ::strsignal(p.term_signal));
    return fmt::format("the command exited with status {}", p.exit_code);
}

junit::TestCase mlci_case(const SuiteSpec& spec, std::string name, std::string message,
                          const std::string& log) {
    junit::TestCase c;
    c.classname = "mlci.suite." + spec.name;
    c.name = std::move(name);
    c.status = junit::CaseStatus::error;
    c.message = std::move(message);
    c.detail = tail_lines(log, 40);
    return c;
}

// The words of a command: its argv, or a shell line's words when it is one
// simple command of plain words (leading NAME=VALUE assignments dropped).
std::vector<std::string> suite_words(const config::CommandSpec& command) {
    if (!command.argv.empty())
        return command.argv;
    std::vector<std::string> words;
    if (!process::simple_command_program(command.shell))
        return words;
    size_t i = 0;
    while (i < command.shell.size()) {
        auto b = command.shell.find_first_not_of(" \t", i);
        if (b == std::string::npos)
            break;
        auto e = std::min(command.shell.find_first_of(" \t", b), command.shell.size());
        auto word = command.shell.substr(b, e - b);
        i = e;
        if (words.empty() && word.find('=') != std::string::npos)
            continue;
        words.push_back(std::move(word));
    }
    return words;
}

std::string base_name(const std::string& path) {
    return fs::path(path).filename().string();
}

bool runs_pytest(const std::vector<std::string>& words) {
    if (words.empty())
        return false;
    auto program = base_name(words[0]);
    if (program == "pytest" || program == "py.test" || program == "pytest-3")
        return true;
    return program.starts_with("python") && words.size() >= 3 && words[1] == "-m" &&
           words[2] == "pytest";
}

} // namespace

std::string suite_name(const config::CommandSpec& command) {
    auto words = suite_words(command);
    if (words.empty())
        return "command";
    if (base_name(words[0]).starts_with("python") && words.size() >= 3 && words[1] == "-m")
        return file_safe(words[2]);
    return file_safe(base_name(words[0]));
}

config::CommandSpec with_junit_report(const config::CommandSpec& command,
                                      const std::string& report) {
    auto words = suite_words(command);
    if (!runs_pytest(words))
        return command;
    for (auto& w : words)
        if (w.starts_with("--junitxml") || w.starts_with("--junit-xml"))
            return command;
    auto out = command;
    if (!out.argv.empty())
        out.argv.push_back("--junitxml=" + report);
    else // a line of plain words; run_suite sets MLCI_JUNIT to `report`
        out.shell += " --junitxml=\"$MLCI_JUNIT\"";
    return out;
}

junit::Counts SuiteRun::counts() const {
    junit::Counts c;
    for (auto& s : suites)
        c += s.counts();
    return c;
}

Status check_runnable(const SuiteSpec& spec) {
    if (spec.command.empty())
        return usage_error("suite '{}' has no command", spec.name);
    auto argv = config::command_argv(spec.command);
    auto path = process::get_env(process::current_environment(), "PATH").value_or("/usr/bin:/bin");
    if (auto p = process::find_program(argv[0], path); !p)
        return std::unexpected(Error{
            Exit::runtime, fmt::format("cannot run suite '{}': {}", spec.name, p.error().message)});
    std::error_code ec;
    if (!spec.cwd.empty() && !fs::is_directory(spec.cwd, ec))
        return runtime_error("cannot run suite '{}': its folder '{}' does not exist", spec.name,
                             spec.cwd.string());
    return {};
}

Result<SuiteRun> run_suite(const SuiteSpec& spec,
                           const std::function<void(std::string_view)>& on_output) {
    SuiteRun out;
    out.name = spec.name;
    out.command = config::command_line(spec.command);
    bool declared = !spec.junit.empty();
    auto report_path =
        declared ? spec.cwd / spec.junit
                 : spec.scratch / fmt::format("junit-{}-{}.xml", ::getpid(), file_safe(spec.name));
    report_path = fs::absolute(report_path).lexically_normal();
    std::error_code ec;
    if (fs::remove(report_path, ec); ec)
        return runtime_error("cannot remove the old report '{}' of suite '{}': {}",
                             report_path.string(), spec.name, ec.message());
    fs::create_directories(report_path.parent_path(), ec);

    auto env = process::current_environment();
    process::set_env(env, "MLCI_SUITE", spec.name);
    process::set_env(env, "MLCI_JUNIT", report_path.string());
    process::InterruptGuard guard;
    process::ProcessSpec ps;
    ps.argv = config::command_argv(with_junit_report(spec.command, report_path.string()));
    ps.env = std::move(env);
    ps.cwd = spec.cwd;
    ps.timeout = spec.timeout;
    ps.on_output = [&](std::string_view chunk) {
        out.log.append(chunk);
        if (on_output)
            on_output(chunk);
    };
    auto ran = process::run_process(ps);
    if (!ran)
        return std::unexpected(Error{Exit::runtime, fmt::format("cannot run suite '{}': {}",
                                                                spec.name, ran.error().message)});
    if (ran->interrupted)
        return runtime_error("interrupted by {} while suite '{}' ran; no test report stored",
                             signal_name(ran->interrupted), spec.name);
    // A shell says 127 (not found) or 126 (not executable) for a command it
    // cannot run: the same environment error as an argv that cannot start.
    if (spec.command.argv.empty() && (ran->exit_code == 127 || ran->exit_code == 126) &&
        !ran->term_signal && !fs::exists(report_path, ec))
        return runtime_error("cannot run suite '{}': /bin/sh could not {} its command (status "
                             "{}): {}",
                             spec.name, ran->exit_code == 127 ? "find" : "execute", ran->exit_code,
                             tail_lines(out.log, 1));
    out.exit_code = ran->exit_code;
    out.timed_out = ran->timed_out;
    out.seconds = ran->wall_seconds;

    std::string where = declared ? spec.junit : "$MLCI_JUNIT";
    std::vector<junit::TestCase> added;
    bool judged_by_exit = false;
    if (fs::exists(report_path, ec)) {
        out.junit = declared ? spec.junit : std::string();
        MLCI_TRY_ASSIGN(text, read_file(report_path));
        out.junit_text = std::move(text);
        if (auto parsed = junit::parse_junit(out.junit_text, where))
            out.suites = std::move(*parsed);
        else
            added.push_back(mlci_case(spec, "report", parsed.error().message, out.log));
        if (!declared)
            fs::remove(report_path, ec);
    } else if (declared) {
        added.push_back(mlci_case(spec, "report",
                                  fmt::format("the suite did not write its report '{}' ({})",
                                              spec.junit, how_it_ended(*ran, spec)),
                                  out.log));
    } else {
        // No report: the suite is one case, decided by how the command ended.
        judged_by_exit = true;
        out.no_report = true;
        junit::TestCase c;
        c.classname = "mlci.suite." + spec.name;
        c.name = spec.name;
        c.time = out.seconds;
        if (ran->exit_code != 0) {
            c.status = junit::CaseStatus::failed;
            c.message = how_it_ended(*ran, spec);
            c.detail = tail_lines(out.log, 40);
        }
        junit::TestSuite s;
        s.name = spec.name;
        s.cases.push_back(std::move(c));
        out.suites.push_back(std::move(s));
    }

    for (auto& s : out.suites)
        s.name = out.suites.size() == 1 || s.name.empty() ? spec.name : spec.name + ": " + s.name;
    junit::Counts counts = out.counts();
    // A non-zero exit with nothing failing in the report (pytest's collection
    // errors and usage errors, a crash after the report) must not pass.
    if (!judged_by_exit &&
        (ran->timed_out || (ran->exit_code != 0 && counts.ok() && added.empty())))
        added.push_back(mlci_case(spec, ran->timed_out ? "timeout" : "exit status",
                                  how_it_ended(*ran, spec), out.log));
    if (!added.empty()) {
        if (out.suites.empty())
            out.suites.push_back({spec.name, {}, {}, 0, {}, {}, {}});
        for (auto& c : added)
            out.suites.front().cases.push_back(std::move(c));
    }
    return out;
}

} // namespace mlci::test
