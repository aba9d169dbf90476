#include <mlci/core/text.hpp>
#include <mlci/process/process.hpp>
#include <mlci/train/environment.hpp>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace mlci::train {

namespace {

// The interpreter the command runs under, when it is Python: the program
// itself, or the one a shell command starts with.
std::string python_of(const config::CommandSpec& command) {
    std::string first;
    if (!command.argv.empty()) {
        first = command.argv[0];
    } else {
        auto s = command.shell;
        auto b = s.find_first_not_of(" \t");
        if (b != std::string::npos)
            first = s.substr(b, s.find_first_of(" \t", b) - b);
    }
    auto base = std::filesystem::path(first).filename().string();
    return base.starts_with("python") ? first : std::string();
}

// Asks the interpreter for its version and real path (a venv's python is a
// symlink): one short process, only on a cache miss.
nlohmann::json describe_python(const std::string& program, const std::vector<std::string>& env,
                               const std::string& cwd) {
    std::string out;
    process::ProcessSpec spec;
    spec.argv = {program, "-c",
                 "import sys, platform; print(platform.python_version()); print(sys.executable); "
                 "print(platform.python_implementation())"};
    spec.env = env;
    spec.cwd = cwd;
    spec.timeout = std::chrono::seconds(10);
    spec.on_output = [&](std::string_view chunk) { out.append(chunk); };
    auto r = process::run_process(spec);
    if (!r || r->exit_code != 0)
        return nullptr;
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < out.size()) {
        auto nl = out.find('\n', start);
        if (nl == std::string::npos)
            nl = out.size();
        lines.emplace_back(trim_end(std::string_view(out).substr(start, nl - start)));
        start = nl + 1;
    }
    if (lines.size() < 3)
        return nullptr;
    return {{"version", lines[0]}, {"executable", lines[1]}, {"implementation", lines[2]}};
}

} // namespace

nlohmann::json describe_environment(const config::CommandSpec& command,
                                    const std::vector<std::string>& env, const std::string& cwd) {
    nlohmann::json j;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0)
        j["host"] = host;
    struct utsname u {};
    if (::uname(&u) == 0) {
        j["os"] = fmt::format("{} {}", u.sysname, u.release);
        j["arch"] = u.machine;
    }
    j["cpus"] = std::thread::hardware_concurrency();
    long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        j["memory_bytes"] = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
    j["mlci"] = MLCI_VERSION;
    if (auto py = python_of(command); !py.empty())
        j["python"] = describe_python(py, env, cwd);
    return j;
}

} // namespace mlci::train
