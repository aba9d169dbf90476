#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/process/process.hpp>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mlci::process {

namespace {

using Clock = std::chrono::steady_clock;

// How long output may keep coming after the command exited and its group
// was killed: only a process that left the group (setsid) can hold a pipe.
constexpr auto k_drain_limit = std::chrono::seconds(2);
// Longest sleep between checks of interrupts, timeout and (without pidfd) exit.
constexpr int k_tick_ms = 100;

struct Pipe {
    UniqueFd read, write;
};

Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return sys_error(errno, "cannot create a pipe");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// A pidfd becomes readable when the process exits, so poll() wakes at once.
// Kernels before 5.3 have none; the runner then checks every tick.
UniqueFd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
    (void)pid;
    return UniqueFd();
#endif
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp,
                             const char* cwd, int devnull, int out, int err, int status) {
    ::setpgid(0, 0);
    if (::dup2(devnull, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
        goto fail;
    if (cwd && ::chdir(cwd) != 0)
        goto fail;
    {
        // Ignored signals stay ignored across exec; the command gets the
        // defaults, so that a forwarded SIGINT stops it.
        struct sigaction sa {};
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        for (int sig = 1; sig < NSIG; ++sig)
            if (sig != SIGKILL && sig != SIGSTOP)
                ::sigaction(sig, &sa, nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
    }
    ::execve(program, argv, envp);
fail:
    int e = errno;
    ssize_t ignored = ::write(status, &e, sizeof e);
    (void)ignored;
    ::_exit(127);
}

int ms_until(Clock::time_point now, Clock::time_point t) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, k_tick_ms));
}

double seconds_of(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

} // namespace

std::vector<std::string> current_environment() {
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e)
        out.emplace_back(*e);
    return out;
}

void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value) {
    std::erase_if(env, [&](const std::string& e) {
        return e.size() > name.size() && e.starts_with(name) && e[name.size()] == '=';
    });
    env.push_back(fmt::format("{}={}", name, value));
}

std::optional<std::string> get_env(const std::vector<std::string>& env, std::string_view name) {
    for (auto& e : env)
        if (e.size() > name.size() && e.starts_with(name) && e[name.size()] == '=')
            return e.substr(name.size() + 1);
    return {};
}

Result<std::string> find_program(const std::string& name, std::string_view path) {
    if (name.empty())
        return usage_error("empty command");
    if (name.find('/') != std::string::npos)
        return name;
    size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string_view::npos)
            end = path.size();
        auto dir = path.substr(start, end - start);
        auto candidate = fmt::format("{}/{}", dir.empty() ? "." : dir, name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::unexpected(
        Error{Exit::runtime, fmt::format("command '{}' not found in PATH (give its full path, or "
                                         "install it)",
                                         name)});
}

Result<ProcessResult> run_process(const ProcessSpec& spec) {
    if (spec.argv.empty())
        return usage_error("no command to run");
    MLCI_TRY_ASSIGN(
        program, find_program(spec.argv[0],
                              get_env(spec.env, "PATH").value_or("/usr/local/bin:/usr/bin:/bin")));
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls are allowed (other threads may hold malloc's lock).
    std::vector<char*> argv, envp;
    for (auto& a : spec.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : spec.env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    std::string cwd = spec.cwd.string();

    MLCI_TRY_ASSIGN(out, make_pipe());
    MLCI_TRY_ASSIGN(err, make_pipe());
    MLCI_TRY_ASSIGN(status, make_pipe());
    UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!devnull)
        return sys_error(errno, "cannot open '/dev/null'");

    // Signals stay blocked across fork so that the child cannot run mlci's
    // handler before it has reset them.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old);
    auto start = Clock::now();
    pid_t pid = ::fork();
    if (pid == 0)
        exec_child(program.c_str(), argv.data(), envp.data(), cwd.empty() ? nullptr : cwd.c_str(),
                   devnull.get(), out.write.get(), err.write.get(), status.write.get());
    int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0)
        return sys_error(fork_errno, fmt::format("cannot start '{}'", spec.argv[0]));
    ::setpgid(pid, pid); // also in the parent: no window where a kill(-pid) misses
    out.write.reset();
    err.write.reset();
    status.write.reset();

    // The status pipe closes on a successful exec, or carries exec's errno.
    int exec_errno = 0;
    ssize_t n;
    do
        n = ::read(status.read.get(), &exec_errno, sizeof exec_errno);
    while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof exec_errno)) {
        ::waitpid(pid, nullptr, 0);
        return sys_error(exec_errno, fmt::format("cannot run '{}'{}", spec.argv[0],
                                                 cwd.empty() ? "" : " in '" + cwd + "'"));
    }

    UniqueFd pidfd = open_pidfd(pid);
    ProcessResult result;
    unsigned seen = interrupt_count();
    unsigned forwarded = 0;
    std::optional<Clock::time_point> deadline, kill_at, drain_until;
    if (spec.timeout)
        deadline = start + *spec.timeout;
    bool exited = false;
    int wstatus = 0;
    struct rusage usage {};
    UniqueFd* streams[2] = {&out.read, &err.read};
    static thread_local char buf[1 << 16];

    for (;;) {
        auto now = Clock::now();
        if (!exited) {
            if (unsigned c = interrupt_count(); c != seen) {
                seen = c;
                if (!result.interrupted)
                    result.interrupted = interrupt_signal();
                // The first signal asks politely; a second means now.
                ::kill(-pid, ++forwarded >= 2 ? SIGKILL : result.interrupted);
                if (!kill_at)
                    kill_at = now + spec.kill_grace;
            }
            if (deadline && now >= *deadline && !result.timed_out) {
                result.timed_out = true;
                ::kill(-pid, SIGTERM);
                kill_at = now + spec.kill_grace;
            }
            if (kill_at && now >= *kill_at) {
                ::kill(-pid, SIGKILL);
                kill_at = now + std::chrono::hours(24);
            }
            // WNOWAIT leaves the zombie in place, so the group id cannot be
            // reused before the stragglers are killed below.
            siginfo_t info{};
            if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                info.si_pid == pid) {
                ::kill(-pid, SIGKILL);
                while (::wait4(pid, &wstatus, 0, &usage) < 0 && errno == EINTR) {
                }
                exited = true;
                result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
                drain_until = Clock::now() + k_drain_limit;
                pidfd.reset();
            }
        }
        bool open = *streams[0] || *streams[1];
        if (exited && (!open || Clock::now() >= *drain_until))
            break;

        pollfd fds[3];
        nfds_t nfds = 0;
        for (auto* s : streams)
            if (*s)
                fds[nfds++] = {s->get(), POLLIN, 0};
        if (pidfd)
            fds[nfds++] = {pidfd.get(), POLLIN, 0};
        int wait_ms = k_tick_ms;
        if (deadline && !result.timed_out)
            wait_ms = std::min(wait_ms, ms_until(now, *deadline));
        if (exited)
            wait_ms = std::min(wait_ms, ms_until(now, *drain_until));
        if (::poll(fds, nfds, wait_ms) < 0 && errno != EINTR)
            return sys_error(errno, "cannot wait for the command's output");
        for (auto* s : streams) {
            if (!*s)
                continue;
            pollfd* p = nullptr;
            for (nfds_t i = 0; i < nfds; ++i)
                if (fds[i].fd == s->get())
                    p = &fds[i];
            if (!p || !(p->revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = ::read(s->get(), buf, sizeof buf);
            if (got > 0) {
                if (spec.on_output)
                    spec.on_output(std::string_view(buf, static_cast<size_t>(got)));
            } else if (got == 0 || errno != EINTR) {
                s->reset();
            }
        }
    }

    if (WIFEXITED(wstatus)) {
        result.exit_code = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        result.term_signal = WTERMSIG(wstatus);
        result.exit_code = 128 + result.term_signal;
    }
    result.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    result.max_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
    return result;
}

} // namespace mlci::process
