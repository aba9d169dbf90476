#include <mlci/core/fs.hpp>
#include <mlci/process/process.hpp>
#include <mlci/watch/hook.hpp>
#include <unistd.h>

namespace mlci::watch {

Result<int> run_alert_hook(const AlertHook& hook, const std::string& reference,
                           const nlohmann::json& report, const std::vector<Alert>& alerts,
                           uint64_t window) {
    std::error_code ec;
    std::filesystem::create_directories(hook.temp_dir, ec);
    auto file = std::filesystem::absolute(
        hook.temp_dir / fmt::format("watch-report-{}-{}.json", ::getpid(), window), ec);
    MLCI_TRY(write_file_atomic(file, report.dump(2) + "\n"));
    std::string text;
    for (auto& a : alerts)
        text += a.text() + "\n";
    process::ProcessSpec spec;
    spec.argv = config::command_argv(hook.command);
    spec.env = process::current_environment();
    process::set_env(spec.env, "MLCI_WATCH_REPORT", reference);
    process::set_env(spec.env, "MLCI_WATCH_REPORT_FILE", file.string());
    process::set_env(spec.env, "MLCI_WATCH_ALERTS", text);
    process::set_env(spec.env, "MLCI_WATCH_WINDOW", std::to_string(window));
    spec.timeout = std::chrono::minutes(5);
    spec.on_output = hook.on_output;
    auto result = process::run_process(spec);
    std::filesystem::remove(file, ec);
    if (!result)
        return std::unexpected(result.error());
    return result->exit_code;
}

std::string hook_warning(const Result<int>& status) {
    if (!status)
        return "--on-alert: " + status.error().message;
    if (*status != 0)
        return fmt::format("--on-alert command exited with status {}", *status);
    return {};
}

} // namespace mlci::watch
